//! Evidence: impact assessments and their findings. The rules every item must pass, who may
//! see it, and how citation keys are suggested and checked.
use crate::domain::accounts::{Role, clean_text};
use crate::domain::countries::normalise_country;
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

pub const KEY_MIN: usize = 3;
pub const KEY_MAX: usize = 64;
pub const TEXT_MAX: usize = 10_000;
pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 20_000;
pub const REGION_MAX: usize = 80;
pub const UNIT_MAX: usize = 40;
pub const TAG_MAX: usize = 40;
pub const TAGS_MAX: usize = 20;
pub const URL_MAX: usize = 500;

named_enum!(
    /// What kind of finding an item is.
    EvidenceKind, "kind" {
        Testimony => "testimony",
        Indicator => "indicator",
        Observation => "observation",
        Swot => "swot",
    }
);

named_enum!(SwotQuadrant, "swot_quadrant" {
    Strength => "strength",
    Weakness => "weakness",
    Opportunity => "opportunity",
    Threat => "threat",
});

named_enum!(
    /// The consent of the people behind an item. Withdrawn consent hides it from everyone
    /// but editors, and flags it wherever it is cited.
    Consent, "consent" {
        Given => "given",
        Anonymised => "anonymised",
        Withdrawn => "withdrawn",
    }
);

named_enum!(Visibility, "visibility" {
    Public => "public",
    Members => "members",
});

named_enum!(
    /// How an impact assessment gathered its findings.
    Method, "method" {
        Testimonies => "testimonies",
        Survey => "survey",
        Swot => "swot",
        WorkcampFollowUp => "workcamp_follow_up",
        FocusGroup => "focus_group",
        Other => "other",
    }
);

/// May someone with this role (None: not signed in) see an item?
pub fn can_see(viewer: Option<Role>, visibility: Visibility, consent: Consent) -> bool {
    match (viewer, consent, visibility) {
        (Some(role), _, _) if role.at_least(Role::Editor) => true,
        (_, Consent::Withdrawn, _) => false,
        (Some(_), _, _) => true,
        (None, _, Visibility::Public) => true,
        (None, _, Visibility::Members) => false,
    }
}

/// Which items a viewer's queries may return, as data for the store to turn into a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    pub include_members_only: bool,
    pub include_withdrawn: bool,
}

impl Audience {
    pub fn of(viewer: Option<Role>) -> Audience {
        Audience {
            include_members_only: viewer.is_some(),
            include_withdrawn: viewer.is_some_and(|r| r.at_least(Role::Editor)),
        }
    }
}

/// Keys are stored lower-case; a key is 3–64 characters of letters, digits and `-_.:`,
/// starting and ending with a letter or digit (Pandoc's citation-key convention, narrowed so
/// keys survive URLs, CSV and Markdown unescaped).
pub fn normalise_key(input: &str) -> Result<String, AppError> {
    let key = input.trim().to_ascii_lowercase();
    let problem = |p| Err(AppError::invalid("key", p));
    if key.is_empty() {
        return problem(Problem::Required);
    }
    if key.chars().any(char::is_whitespace) {
        return problem(Problem::KeyHasSpaces);
    }
    if key.chars().count() < KEY_MIN {
        return problem(Problem::TooShort { min: KEY_MIN });
    }
    if key.chars().count() > KEY_MAX {
        return problem(Problem::TooLong { max: KEY_MAX });
    }
    let allowed = |c: char| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | ':')
    };
    let ends_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !key.chars().all(allowed) || !ends_ok(key.chars().next()) || !ends_ok(key.chars().last()) {
        return problem(Problem::KeyCharacters);
    }
    Ok(key)
}

/// `hu-2019-testimony-07`: country, year, kind and the next free number among `existing`.
pub fn suggest_key<'a>(
    country: &str,
    year: Option<i32>,
    kind: EvidenceKind,
    existing: impl IntoIterator<Item = &'a str>,
) -> String {
    let country = normalise_country(country)
        .unwrap_or("xx")
        .to_ascii_lowercase();
    let prefix = match year {
        Some(year) => format!("{country}-{year}-{}-", kind.as_str()),
        None => format!("{country}-{}-", kind.as_str()),
    };
    let highest = existing
        .into_iter()
        .filter_map(|key| key.strip_prefix(&prefix))
        .filter_map(|rest| rest.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{:02}", highest + 1)
}

/// `YYYY-MM-DD`, a real calendar day between 1900 and 2100.
pub fn parse_date(field: &str, input: &str) -> Result<(i32, u32, u32), AppError> {
    let bad = || AppError::invalid(field, Problem::InvalidDate);
    let parts: Vec<&str> = input.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (year, month, day): (i32, u32, u32) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if !(1900..=2100).contains(&year) || day == 0 || day > days {
        return Err(bad());
    }
    Ok((year, month, day))
}

/// Tags: comma-separated, trimmed, lower-cased, de-duplicated, each 1–40 characters, at most 20.
pub fn parse_tags(input: &str) -> Result<Vec<String>, AppError> {
    let mut tags: Vec<String> = Vec::new();
    for tag in input
        .split(',')
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if tag.chars().count() > TAG_MAX {
            return Err(AppError::invalid("tags", Problem::TooLong { max: TAG_MAX }));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > TAGS_MAX {
        return Err(AppError::invalid(
            "tags",
            Problem::TooMany { max: TAGS_MAX },
        ));
    }
    Ok(tags)
}

fn parse_number(field: &str, input: &str) -> Result<Option<f64>, AppError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    match input.replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(AppError::invalid(field, Problem::InvalidNumber)),
    }
}

fn parse_count(field: &str, input: &str) -> Result<Option<i64>, AppError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    match input.parse::<i64>() {
        Ok(n) if (1..=100_000_000).contains(&n) => Ok(Some(n)),
        _ => Err(AppError::invalid(field, Problem::InvalidNumber)),
    }
}

/// ISO 639-1: two lower-case letters (empty: unknown).
fn parse_language(input: &str) -> Result<String, AppError> {
    let lang = input.trim().to_ascii_lowercase();
    if lang.is_empty() || (lang.len() == 2 && lang.chars().all(|c| c.is_ascii_lowercase())) {
        Ok(lang)
    } else {
        Err(AppError::invalid("language", Problem::InvalidLanguage))
    }
}

/// An evidence item as typed in a form or a CSV row: every field a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidenceInput {
    pub key: String,
    pub kind: String,
    pub swot_quadrant: String,
    pub text: String,
    pub value: String,
    pub unit: String,
    pub sample_size: String,
    pub baseline: String,
    pub country: String,
    pub region: String,
    pub collected_on: String,
    pub language: String,
    pub tags: String,
    pub consent: String,
    pub visibility: String,
}

/// A validated evidence item, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceFields {
    pub key: String,
    pub kind: EvidenceKind,
    pub swot_quadrant: Option<SwotQuadrant>,
    pub text: String,
    pub value: Option<f64>,
    pub unit: String,
    pub sample_size: Option<i64>,
    pub baseline: Option<f64>,
    pub country: String,
    pub region: String,
    pub collected_on: String,
    pub language: String,
    pub tags: Vec<String>,
    pub consent: Consent,
    pub visibility: Visibility,
}

impl EvidenceInput {
    /// Every problem with the input, not just the first, so a form or a CSV preview can show
    /// them all at once.
    pub fn validate(&self) -> Result<EvidenceFields, Vec<AppError>> {
        let mut errors = Vec::new();
        macro_rules! check {
            ($e:expr) => {
                match $e {
                    Ok(v) => Some(v),
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                }
            };
        }
        let key = check!(normalise_key(&self.key));
        let kind = check!(self.kind.parse::<EvidenceKind>());
        let swot_quadrant = match kind {
            Some(EvidenceKind::Swot) => {
                check!(self.swot_quadrant.parse::<SwotQuadrant>()).map(Some)
            }
            _ => Some(None),
        };
        let text = check!(clean_multiline("text", &self.text, TEXT_MAX));
        let value = check!(parse_number("value", &self.value));
        if kind == Some(EvidenceKind::Indicator) && value == Some(None) {
            errors.push(AppError::invalid("value", Problem::Required));
        }
        let unit = check!(optional_text("unit", &self.unit, UNIT_MAX));
        let sample_size = check!(parse_count("sample_size", &self.sample_size));
        let baseline = check!(parse_number("baseline", &self.baseline));
        let country = check!(
            normalise_country(&self.country)
                .ok_or_else(|| AppError::invalid("country", Problem::InvalidCountry))
        );
        let region = check!(optional_text("region", &self.region, REGION_MAX));
        let collected_on = check!(parse_date("collected_on", &self.collected_on))
            .map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        let language = check!(parse_language(&self.language));
        let tags = check!(parse_tags(&self.tags));
        let consent = check!(self.consent.parse::<Consent>());
        let visibility = check!(self.visibility.parse::<Visibility>());
        if !errors.is_empty() {
            return Err(errors);
        }
        // No errors were recorded, so every check above produced a value.
        let indicator = kind == Some(EvidenceKind::Indicator);
        let fields = move || {
            Some(EvidenceFields {
                key: key?,
                kind: kind?,
                swot_quadrant: swot_quadrant?,
                text: text?,
                value: if indicator { value? } else { None },
                unit: if indicator { unit? } else { String::new() },
                sample_size: sample_size?,
                baseline: if indicator { baseline? } else { None },
                country: country?.to_string(),
                region: region?,
                collected_on: collected_on?,
                language: language?,
                tags: tags?,
                consent: consent?,
                visibility: visibility?,
            })
        };
        fields().ok_or_else(|| vec![AppError::Internal])
    }
}

/// Keeps line breaks (Markdown needs them) but trims, drops control characters and bounds it.
pub fn clean_multiline(field: &str, input: &str, max: usize) -> Result<String, AppError> {
    let cleaned: String = input
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if cleaned.chars().count() > max {
        return Err(AppError::invalid(field, Problem::TooLong { max }));
    }
    Ok(cleaned)
}

fn optional_text(field: &str, input: &str, max: usize) -> Result<String, AppError> {
    if input.trim().is_empty() {
        Ok(String::new())
    } else {
        clean_text(field, input, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(e: AppError) -> Problem {
        match e {
            AppError::Validation { problem, .. } => problem,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn keys() {
        let table: &[(&str, Result<&str, Problem>)] = &[
            ("hu-2019-testimony-07", Ok("hu-2019-testimony-07")),
            ("  HU-2019-Survey:3 ", Ok("hu-2019-survey:3")),
            ("a.b_c", Ok("a.b_c")),
            ("", Err(Problem::Required)),
            ("hu 2019", Err(Problem::KeyHasSpaces)),
            ("ab", Err(Problem::TooShort { min: KEY_MIN })),
            ("-abc", Err(Problem::KeyCharacters)),
            ("abc-", Err(Problem::KeyCharacters)),
            ("héllo", Err(Problem::KeyCharacters)),
            ("<script>", Err(Problem::KeyCharacters)),
            ("a@b;c", Err(Problem::KeyCharacters)),
        ];
        for (input, expected) in table {
            let got = normalise_key(input).map_err(problem);
            assert_eq!(got, expected.clone().map(String::from), "{input:?}");
        }
        assert_eq!(
            normalise_key(&"k".repeat(65)).map_err(problem),
            Err(Problem::TooLong { max: KEY_MAX })
        );
    }

    #[test]
    fn suggested_keys_take_the_next_free_number() {
        let existing = [
            "hu-2019-testimony-01",
            "hu-2019-testimony-07",
            "hu-2019-survey-02",
            "fr-2019-testimony-09",
        ];
        let table = [
            (
                "HU",
                Some(2019),
                EvidenceKind::Testimony,
                "hu-2019-testimony-08",
            ),
            (
                "hu",
                Some(2019),
                EvidenceKind::Indicator,
                "hu-2019-indicator-01",
            ),
            ("GR", Some(2020), EvidenceKind::Swot, "gr-2020-swot-01"),
            ("GR", None, EvidenceKind::Observation, "gr-observation-01"),
            ("nowhere", Some(2020), EvidenceKind::Swot, "xx-2020-swot-01"),
        ];
        for (country, year, kind, expected) in table {
            let key = suggest_key(country, year, kind, existing.iter().copied());
            assert_eq!(key, expected);
            assert!(normalise_key(&key).is_ok(), "suggestions are valid keys");
        }
    }

    #[test]
    fn who_sees_what() {
        use Consent::*;
        use Visibility::*;
        let editor = Some(Role::Editor);
        let member = Some(Role::Member);
        let table = [
            (None, Public, Given, true),
            (None, Public, Anonymised, true),
            (None, Public, Withdrawn, false),
            (None, Members, Given, false),
            (member, Members, Given, true),
            (member, Public, Withdrawn, false),
            (member, Members, Withdrawn, false),
            (editor, Members, Withdrawn, true),
            (Some(Role::Admin), Public, Withdrawn, true),
        ];
        for (viewer, visibility, consent, expected) in table {
            assert_eq!(
                can_see(viewer, visibility, consent),
                expected,
                "{viewer:?} {visibility:?} {consent:?}"
            );
            let audience = Audience::of(viewer);
            let by_audience = (visibility == Public || audience.include_members_only)
                && (consent != Withdrawn || audience.include_withdrawn);
            assert_eq!(by_audience, expected, "audience agrees with can_see");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("d", "2019-02-28").unwrap(), (2019, 2, 28));
        assert_eq!(parse_date("d", "2020-02-29").unwrap(), (2020, 2, 29));
        for bad in [
            "2019-02-29",
            "2019-13-01",
            "19-01-01",
            "2019/01/01",
            "",
            "1800-01-01",
            "2019-04-31",
        ] {
            assert_eq!(
                parse_date("d", bad),
                Err(AppError::invalid("d", Problem::InvalidDate)),
                "{bad}"
            );
        }
    }

    #[test]
    fn tags() {
        assert_eq!(
            parse_tags(" Inclusion, mentoring ,inclusion,, ").unwrap(),
            vec!["inclusion", "mentoring"]
        );
        assert_eq!(
            parse_tags(&"x".repeat(41)),
            Err(AppError::invalid("tags", Problem::TooLong { max: TAG_MAX }))
        );
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert_eq!(
            parse_tags(&many.join(",")),
            Err(AppError::invalid(
                "tags",
                Problem::TooMany { max: TAGS_MAX }
            ))
        );
    }

    fn valid() -> EvidenceInput {
        EvidenceInput {
            key: "hu-2019-indicator-01".into(),
            kind: "indicator".into(),
            text: "Share of volunteers who found work within a year.".into(),
            value: "42,5".into(),
            unit: "%".into(),
            sample_size: "120".into(),
            country: "hu".into(),
            region: "Central and Eastern Europe".into(),
            collected_on: "2019-06-30".into(),
            language: "HU".into(),
            tags: "employment".into(),
            consent: "given".into(),
            visibility: "public".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_indicator() {
        let fields = valid().validate().unwrap();
        assert_eq!(fields.value, Some(42.5));
        assert_eq!(fields.country, "HU");
        assert_eq!(fields.language, "hu");
        assert_eq!(fields.sample_size, Some(120));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let input = EvidenceInput {
            key: "has space".into(),
            kind: "indicator".into(),
            value: "lots".into(),
            country: "XX".into(),
            collected_on: "yesterday".into(),
            consent: "maybe".into(),
            ..valid()
        };
        let errors = input.validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().filter_map(|e| e.field()).collect();
        assert_eq!(
            fields,
            ["key", "value", "country", "collected_on", "consent"]
        );
    }

    #[test]
    fn kind_specific_rules() {
        let missing_value = EvidenceInput {
            value: String::new(),
            ..valid()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            missing_value[0],
            AppError::invalid("value", Problem::Required)
        );
        let swot = EvidenceInput {
            kind: "swot".into(),
            swot_quadrant: "threat".into(),
            ..valid()
        }
        .validate()
        .unwrap();
        assert_eq!(swot.swot_quadrant, Some(SwotQuadrant::Threat));
        assert_eq!(swot.value, None, "values belong to indicators only");
        let no_quadrant = EvidenceInput {
            kind: "swot".into(),
            ..valid()
        }
        .validate()
        .unwrap_err();
        assert_eq!(no_quadrant[0].field(), Some("swot_quadrant"));
    }

    #[test]
    fn text_keeps_lines_and_drops_control_characters() {
        let text = clean_multiline("text", "  First line\r\nsecond\u{0}line \u{7} ", 100).unwrap();
        assert_eq!(text, "First line\nsecondline");
        assert_eq!(
            clean_multiline("text", " \n ", 100),
            Err(AppError::invalid("text", Problem::Required))
        );
    }
}
