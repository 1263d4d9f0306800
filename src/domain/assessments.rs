//! Impact assessments as typed in a form, and the rules they must pass.
use crate::domain::accounts::clean_text;
use crate::domain::countries::normalise_country;
use crate::domain::evidence::{
    Method, SUMMARY_MAX, TITLE_MAX, URL_MAX, clean_multiline, parse_date,
};
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};

pub const PROGRAMME_MAX: usize = 200;
pub const COUNTRIES_MAX: usize = 60;

/// An assessment as typed in the form: every field a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentInput {
    pub title: String,
    pub programme: String,
    pub method: String,
    pub period_from: String,
    pub period_to: String,
    /// ISO codes separated by commas or spaces: `HU, FR DE`.
    pub countries: String,
    pub summary: String,
    pub link: String,
}

/// A validated assessment, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentFields {
    pub title: String,
    pub programme: String,
    pub method: Method,
    pub period_from: String,
    pub period_to: String,
    pub countries: Vec<String>,
    pub summary: String,
    pub link: String,
}

impl AssessmentFields {
    /// The form's strings for an existing assessment (to edit it).
    pub fn to_input(&self) -> AssessmentInput {
        AssessmentInput {
            title: self.title.clone(),
            programme: self.programme.clone(),
            method: self.method.as_str().to_string(),
            period_from: self.period_from.clone(),
            period_to: self.period_to.clone(),
            countries: self.countries.join(", "),
            summary: self.summary.clone(),
            link: self.link.clone(),
        }
    }
}

/// Country codes, de-duplicated in the order given; at least one.
pub fn parse_countries(input: &str) -> Result<Vec<String>, AppError> {
    let mut countries: Vec<String> = Vec::new();
    for part in input
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let code = normalise_country(part)
            .ok_or_else(|| AppError::invalid("countries", Problem::InvalidCountry))?;
        if !countries.iter().any(|c| c == code) {
            countries.push(code.to_string());
        }
    }
    if countries.is_empty() {
        return Err(AppError::invalid("countries", Problem::Required));
    }
    if countries.len() > COUNTRIES_MAX {
        return Err(AppError::invalid(
            "countries",
            Problem::TooMany { max: COUNTRIES_MAX },
        ));
    }
    Ok(countries)
}

/// Empty, or an `http(s)://` address without spaces or quotes (it becomes a link).
pub fn parse_link(input: &str) -> Result<String, AppError> {
    let link = input.trim();
    if link.is_empty() {
        return Ok(String::new());
    }
    if link.chars().count() > URL_MAX {
        return Err(AppError::invalid("link", Problem::TooLong { max: URL_MAX }));
    }
    let lower = link.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    });
    let clean = !link
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'));
    if host_ok && clean {
        Ok(link.to_string())
    } else {
        Err(AppError::invalid("link", Problem::InvalidLink))
    }
}

impl AssessmentInput {
    /// Every problem at once, so the form can show them together.
    pub fn validate(&self) -> Result<AssessmentFields, AppError> {
        let mut errors = Vec::new();
        let mut check = |result: Result<String, AppError>| match result {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let title = check(clean_text("title", &self.title, TITLE_MAX));
        let programme = if self.programme.trim().is_empty() {
            Some(String::new())
        } else {
            check(clean_text("programme", &self.programme, PROGRAMME_MAX))
        };
        let date = |field: &str, input: &str| {
            parse_date(field, input).map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
        };
        let period_from = check(date("period_from", &self.period_from));
        let period_to = check(date("period_to", &self.period_to));
        let summary = check(clean_multiline("summary", &self.summary, SUMMARY_MAX));
        let link = check(parse_link(&self.link));
        let method = self
            .method
            .parse::<Method>()
            .map_err(|e| errors.push(e))
            .ok();
        let countries = parse_countries(&self.countries)
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(from), Some(to)) = (&period_from, &period_to)
            && to < from
        {
            errors.push(AppError::invalid("period_to", Problem::DatesOutOfOrder));
        }
        if !errors.is_empty() {
            return Err(AppError::all(errors));
        }
        let fields = move || {
            Some(AssessmentFields {
                title: title?,
                programme: programme?,
                method: method?,
                period_from: period_from?,
                period_to: period_to?,
                countries: countries?,
                summary: summary?,
                link: link?,
            })
        };
        fields().ok_or(AppError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> AssessmentInput {
        AssessmentInput {
            title: " Workcamps  for all ".into(),
            programme: "Erasmus+ KA2".into(),
            method: "survey".into(),
            period_from: "2020-03-01".into(),
            period_to: "2020-11-30".into(),
            countries: "hu, FR;de  HU".into(),
            summary: "A **survey**.\r\n\r\nSecond paragraph.".into(),
            link: "https://example.org/report.pdf".into(),
        }
    }

    #[test]
    fn a_valid_assessment_is_cleaned() {
        let fields = valid().validate().unwrap();
        assert_eq!(fields.title, "Workcamps for all");
        assert_eq!(fields.method, Method::Survey);
        assert_eq!(fields.countries, ["HU", "FR", "DE"]);
        assert_eq!(fields.summary, "A **survey**.\n\nSecond paragraph.");
        assert_eq!(fields.to_input().validate().unwrap(), fields, "round trip");
    }

    #[test]
    fn every_problem_is_reported() {
        let input = AssessmentInput {
            title: "  ".into(),
            method: "guesswork".into(),
            period_from: "2020-12-01".into(),
            period_to: "2020-01-01".into(),
            countries: "HU, Atlantis".into(),
            link: "javascript:alert(1)".into(),
            ..valid()
        };
        let error = input.validate().unwrap_err();
        let fields: Vec<&str> = error.field_problems().iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["title", "link", "method", "countries", "period_to"]
        );
        assert_eq!(
            error.problem_for("period_to"),
            Some(&Problem::DatesOutOfOrder)
        );
    }

    #[test]
    fn links() {
        for good in ["", "https://example.org", "http://a.b/c?d=e#f"] {
            assert!(parse_link(good).is_ok(), "{good}");
        }
        for bad in [
            "example.org",
            "ftp://example.org",
            "https://",
            "https://localhost",
            "https://a.b/\"onmouseover=x",
            "https://a.b/<script>",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                parse_link(bad).unwrap_err().problem_for("link"),
                Some(&Problem::InvalidLink),
                "{bad}"
            );
        }
        assert_eq!(
            parse_link(&format!("https://a.b/{}", "x".repeat(600))),
            Err(AppError::invalid(
                "link",
                Problem::TooLong {
                    max: crate::domain::evidence::URL_MAX
                }
            ))
        );
    }

    #[test]
    fn countries() {
        assert_eq!(
            parse_countries(""),
            Err(AppError::invalid("countries", Problem::Required))
        );
        assert_eq!(
            parse_countries("XX"),
            Err(AppError::invalid("countries", Problem::InvalidCountry))
        );
        let many: Vec<&str> = crate::domain::countries::all_countries()
            .iter()
            .take(61)
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(
            parse_countries(&many.join(" "))
                .unwrap_err()
                .problem_for("countries"),
            Some(&Problem::TooMany { max: COUNTRIES_MAX })
        );
    }
}
