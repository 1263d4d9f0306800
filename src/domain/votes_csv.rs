//! The results of a consultation as a CSV file: one row per vote, named or anonymised as the
//! editors set. Anonymised rows carry no name, organisation or time, and come sorted by what
//! was voted, so neither their content nor their order points at a person.
use crate::domain::consultations::{RecordedVote, ResultsMode};
use crate::domain::evidence_csv::neutralise_formula;
use crate::error::AppError;

pub const NAMED_COLUMNS: [&str; 10] = [
    "target",
    "member",
    "organisation",
    "country",
    "choice",
    "reason",
    "cast_on_rev",
    "current_rev",
    "cast_on_earlier_text",
    "updated_at",
];

pub const ANONYMISED_COLUMNS: [&str; 5] = [
    "target",
    "country",
    "choice",
    "reason",
    "cast_on_earlier_text",
];

/// `label` names a target in the file (`R3`, `paper`): readers of a spreadsheet know the
/// recommendations by number, not by block id.
pub fn write(
    votes: &[RecordedVote],
    mode: ResultsMode,
    label: impl Fn(&str) -> String,
) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |_| AppError::Internal;
    let yes_no = |stale: bool| if stale { "yes" } else { "no" };
    match mode {
        ResultsMode::Named => {
            writer.write_record(NAMED_COLUMNS).map_err(failed)?;
            for v in votes {
                writer
                    .write_record([
                        neutralise_formula(&label(&v.target)).as_str(),
                        &neutralise_formula(&v.member_name),
                        &neutralise_formula(&v.organisation),
                        &neutralise_formula(&v.country),
                        v.choice.as_str(),
                        &neutralise_formula(&v.reason),
                        &v.block_rev.to_string(),
                        &v.current_rev.to_string(),
                        yes_no(v.stale()),
                        &neutralise_formula(&v.updated_at),
                    ])
                    .map_err(failed)?;
            }
        }
        ResultsMode::Anonymised => {
            writer.write_record(ANONYMISED_COLUMNS).map_err(failed)?;
            let mut rows: Vec<[String; 5]> = votes
                .iter()
                .map(|v| {
                    [
                        neutralise_formula(&label(&v.target)),
                        neutralise_formula(&v.country),
                        v.choice.as_str().to_string(),
                        neutralise_formula(&v.reason),
                        yes_no(v.stale()).to_string(),
                    ]
                })
                .collect();
            rows.sort();
            for row in rows {
                writer.write_record(&row).map_err(failed)?;
            }
        }
    }
    writer.into_inner().map_err(|_| AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consultations::Choice;

    fn vote(member: &str, choice: Choice, reason: &str, rev: i64) -> RecordedVote {
        RecordedVote {
            target: "b1".into(),
            choice,
            reason: reason.into(),
            member_name: member.into(),
            organisation: "Kapocs".into(),
            country: "HU".into(),
            block_rev: rev,
            current_rev: 2,
            updated_at: "2026-12-02T10:00:00.000000Z".into(),
        }
    }

    fn read(bytes: &[u8]) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn named_rows_say_who_and_on_which_text() {
        let votes = [vote("Zsófia Kovács", Choice::Oppose, "Too vague", 1)];
        let rows = read(&write(&votes, ResultsMode::Named, |_| "R1".into()).unwrap());
        assert_eq!(rows[0], NAMED_COLUMNS);
        assert_eq!(
            rows[1],
            [
                "R1",
                "Zsófia Kovács",
                "Kapocs",
                "HU",
                "oppose",
                "Too vague",
                "1",
                "2",
                "yes",
                "2026-12-02T10:00:00.000000Z"
            ]
        );
    }

    #[test]
    fn anonymised_rows_name_nobody_and_are_sorted() {
        let votes = [
            vote("Zsófia Kovács", Choice::Support, "b", 2),
            vote("Awa Diop", Choice::Oppose, "a", 2),
            vote("Thu Nguyen", Choice::Abstain, "", 2),
        ];
        let bytes = write(&votes, ResultsMode::Anonymised, |_| "R1".into()).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        for hidden in ["Zsófia", "Awa", "Thu", "Kapocs", "2026"] {
            assert!(!text.contains(hidden), "{hidden} in {text}");
        }
        let rows = read(&bytes);
        assert_eq!(rows[0], ANONYMISED_COLUMNS);
        let choices: Vec<&str> = rows[1..].iter().map(|r| r[2].as_str()).collect();
        assert_eq!(choices, ["abstain", "oppose", "support"]);
    }

    #[test]
    fn reasons_do_not_become_formulas() {
        let votes = [
            vote("=HYPERLINK(\"x\")", Choice::Oppose, "=1+1", 2),
            vote("Ann", Choice::Oppose, "@SUM(A1)", 2),
            vote("Bo", Choice::Oppose, "-2 for us", 2),
        ];
        for mode in ResultsMode::ALL {
            let rows = read(&write(&votes, *mode, |_| "+R1".into()).unwrap());
            for row in &rows[1..] {
                for cell in row {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{mode:?}: {cell}"
                    );
                }
            }
        }
    }
}
