//! Evidence as CSV: the documented columns, reading a file into a preview with every problem
//! and its line number, and writing a list back out. Server-side only (the `csv` crate).
use crate::domain::evidence::{EvidenceFields, EvidenceInput};
pub use crate::domain::evidence_csv_views::{FileProblem, RowProblem};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The columns, in the order exports write them. `key`, `kind`, `text`, `country`,
/// `collected_on`, `consent` and `visibility` are required; the rest may be empty.
pub const COLUMNS: [&str; 15] = [
    "key",
    "kind",
    "swot_quadrant",
    "text",
    "value",
    "unit",
    "sample_size",
    "baseline",
    "country",
    "region",
    "collected_on",
    "language",
    "tags",
    "consent",
    "visibility",
];
const REQUIRED: [&str; 7] = [
    "key",
    "kind",
    "text",
    "country",
    "collected_on",
    "consent",
    "visibility",
];
pub const MAX_ROWS: usize = 100_000;

/// What a file would do if imported: the valid rows, and every problem found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvPreview {
    pub rows: Vec<EvidenceFields>,
    /// The line of each row in `rows` (a batch stored before lines were kept has none).
    #[serde(default)]
    pub lines: Vec<u64>,
    pub problems: Vec<RowProblem>,
    pub total_rows: usize,
}

pub fn read(bytes: &[u8]) -> Result<CsvPreview, FileProblem> {
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| FileProblem::Malformed { line: 1 })?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|c| !headers.iter().any(|h| h == *c))
        .map(|c| c.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(FileProblem::MissingColumns(missing));
    }
    let index: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();

    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut first_line_of_key: HashMap<String, u64> = HashMap::new();
    let mut total_rows = 0;
    for record in reader.records() {
        let record = record.map_err(|e| FileProblem::Malformed {
            line: e.position().map(|p| p.line()).unwrap_or(0),
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        total_rows += 1;
        if total_rows > MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        let get = |column: &str| {
            let value = index.get(column).and_then(|i| record.get(*i)).unwrap_or("");
            restore_formula(value).to_string()
        };
        let input = EvidenceInput {
            key: get("key"),
            kind: get("kind"),
            swot_quadrant: get("swot_quadrant"),
            text: get("text"),
            value: get("value"),
            unit: get("unit"),
            sample_size: get("sample_size"),
            baseline: get("baseline"),
            country: get("country"),
            region: get("region"),
            collected_on: get("collected_on"),
            language: get("language"),
            tags: get("tags"),
            consent: get("consent"),
            visibility: get("visibility"),
        };
        let shown_key: String = input.key.trim().chars().take(64).collect();
        match input.validate() {
            Ok(fields) => {
                if let Some(first) = first_line_of_key.get(&fields.key) {
                    problems.push(RowProblem {
                        line,
                        key: shown_key,
                        column: "key".into(),
                        error: AppError::Conflict {
                            what: format!("duplicate of line {first}"),
                        },
                    });
                } else {
                    first_line_of_key.insert(fields.key.clone(), line);
                    rows.push(fields);
                    lines.push(line);
                }
            }
            Err(errors) => problems.extend(errors.into_iter().map(|error| RowProblem {
                line,
                key: shown_key.clone(),
                column: error.field().unwrap_or("").to_string(),
                error,
            })),
        }
    }
    Ok(CsvPreview {
        rows,
        lines,
        problems,
        total_rows,
    })
}

/// Writes items with the documented columns (an import of the output changes nothing).
pub fn write<'a>(items: impl IntoIterator<Item = &'a EvidenceFields>) -> Result<Vec<u8>, AppError> {
    let mut file = write_header()?;
    file.extend(write_rows(items)?);
    Ok(file)
}

/// The header line alone: a file written in parts is the header, then [`write_rows`] of
/// each part, byte for byte what [`write`] makes of all of them (each record is written on
/// its own, whatever came before).
pub fn write_header() -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(COLUMNS)
        .map_err(|_| AppError::Internal)?;
    writer.into_inner().map_err(|_| AppError::Internal)
}

/// The items' lines, without the header.
pub fn write_rows<'a>(
    items: impl IntoIterator<Item = &'a EvidenceFields>,
) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for f in items {
        let number = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
        writer
            .write_record([
                // Every column written from a string is neutralised, validated or not: a
                // finding saved before a rule existed, or one the rule does not cover, must
                // not turn into a formula either.
                &neutralise_formula(&f.key),
                f.kind.as_str(),
                f.swot_quadrant.map(|q| q.as_str()).unwrap_or(""),
                &neutralise_formula(&f.text),
                &number(f.value),
                &neutralise_formula(&f.unit),
                &f.sample_size.map(|n| n.to_string()).unwrap_or_default(),
                &number(f.baseline),
                &neutralise_formula(&f.country),
                &neutralise_formula(&f.region),
                &neutralise_formula(&f.collected_on),
                &neutralise_formula(&f.language),
                &neutralise_formula(&f.tags.join(", ")),
                f.consent.as_str(),
                f.visibility.as_str(),
            ])
            .map_err(|_| AppError::Internal)?;
    }
    writer.into_inner().map_err(|_| AppError::Internal)
}

/// What a spreadsheet reads as the start of a formula (tab and carriage return because some
/// spreadsheets skip them and read the formula behind).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Spreadsheets run cells that start with [`FORMULA_START`] as formulas; a leading
/// apostrophe keeps a quote like "=be careful" text when an officer opens the export. Text
/// that starts with an apostrophe gets one more, so that the import can tell them apart.
pub(crate) fn neutralise_formula(text: &str) -> String {
    if text.starts_with(FORMULA_START) || text.starts_with('\'') {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Undoes [`neutralise_formula`], so an export re-imports to exactly the same items.
fn restore_formula(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) || rest.starts_with('\'') => rest,
        _ => text,
    }
}

/// The sample file offered for download on the import page.
pub const SAMPLE: &str = "key,kind,swot_quadrant,text,value,unit,sample_size,baseline,country,region,collected_on,language,tags,consent,visibility
hu-2021-testimony-01,testimony,,\"At the camp nobody asked where I come from, only what I can do.\",,,,,HU,Central and Eastern Europe,2021-07-14,hu,\"inclusion, participants\",anonymised,public
fr-2021-indicator-01,indicator,,Participants who enrolled in training or a job within six months.,38,%,64,21,FR,Northern and Western Europe,2021-12-01,en,outcomes,given,public
gr-2021-swot-01,swot,threat,Travel costs for participants from outside the EU rose by a third.,,,,,GR,Southern Europe,2021-11-20,en,\"swot, partners\",given,members
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_file_imports_cleanly_and_round_trips() {
        let preview = read(SAMPLE.as_bytes()).unwrap();
        assert_eq!(preview.problems, vec![]);
        assert_eq!(preview.rows.len(), 3);
        let again = read(&write(&preview.rows).unwrap()).unwrap();
        assert_eq!(again.rows, preview.rows);
    }

    #[test]
    fn every_row_problem_has_its_line() {
        let file = "key,kind,text,country,collected_on,consent,visibility,value
ok-2020-testimony-01,testimony,Fine.,FR,2020-01-01,given,public,
bad key,testimony,Fine.,XX,2020-01-01,given,public,
ok-2020-indicator-01,indicator,No value.,FR,2020-01-01,given,public,lots
ok-2020-testimony-01,testimony,Again.,FR,2020-01-01,given,public,
,,,,,,,
ok-2020-observation-01,observation,,FR,2020-02-30,maybe,public,
";
        let preview = read(file.as_bytes()).unwrap();
        assert_eq!(preview.rows.len(), 1);
        assert_eq!(preview.total_rows, 5, "blank lines are skipped");
        let found: Vec<(u64, &str)> = preview
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, "key"),
                (3, "country"),
                (4, "value"),
                (5, "key"),
                (7, "text"),
                (7, "collected_on"),
                (7, "consent")
            ]
        );
    }

    #[test]
    fn whole_file_problems() {
        assert_eq!(read(b""), Err(FileProblem::Empty));
        assert_eq!(read(&[0xff, 0xfe, 0x00, 0x41]), Err(FileProblem::NotUtf8));
        match read(b"key,text\nx,y\n") {
            Err(FileProblem::MissingColumns(cols)) => assert!(cols.contains(&"kind".to_string())),
            other => panic!("{other:?}"),
        }
        let with_bom = format!("\u{feff}{SAMPLE}");
        assert_eq!(read(with_bom.as_bytes()).unwrap().rows.len(), 3);
    }

    #[test]
    fn too_many_rows_is_refused_before_the_work_is_done() {
        let mut file = String::from("key,kind,text,country,collected_on,consent,visibility\n");
        for i in 0..=MAX_ROWS {
            file.push_str(&format!(
                "k-{i:06},observation,t,FR,2020-01-01,given,public\n"
            ));
        }
        assert_eq!(read(file.as_bytes()), Err(FileProblem::TooManyRows));
    }

    #[test]
    fn exports_do_not_smuggle_formulas() {
        let mut fields = read(SAMPLE.as_bytes()).unwrap().rows.remove(0);
        fields.text = "=HYPERLINK(\"http://evil\")".into();
        let out = write([&fields]).unwrap();
        assert!(String::from_utf8_lossy(&out).contains("'=HYPERLINK"));
        assert_eq!(
            read(&out).unwrap().rows[0].text,
            fields.text,
            "and re-imports unchanged"
        );
    }

    /// What a spreadsheet may run: a cell starting with one of these.
    const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

    #[test]
    fn no_column_of_an_export_starts_a_formula() {
        let base = read(SAMPLE.as_bytes()).unwrap().rows.remove(1);
        let payloads = [
            "=HYPERLINK(\"http://evil.example\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
            "'=already quoted",
        ];
        for payload in payloads {
            for column in COLUMNS {
                let mut fields = base.clone();
                let text = payload.to_string();
                match column {
                    "key" => fields.key = text,
                    "text" => fields.text = text,
                    "unit" => fields.unit = text,
                    "country" => fields.country = text,
                    "region" => fields.region = text,
                    "collected_on" => fields.collected_on = text,
                    "language" => fields.language = text,
                    "tags" => fields.tags = vec![text, "second".into()],
                    // Numbers may be negative: they are checked to stay numbers below.
                    "value" => fields.value = Some(-2.5),
                    "sample_size" => fields.sample_size = Some(-1),
                    "baseline" => fields.baseline = Some(-0.5),
                    // Written from a closed list of words, never from what someone typed.
                    "kind" | "swot_quadrant" | "consent" | "visibility" => {}
                    other => panic!("the test does not know column {other}"),
                }
                let out = write([&fields]).unwrap();
                let mut reader = csv::Reader::from_reader(out.as_slice());
                let row = reader.records().next().unwrap().unwrap();
                for (name, cell) in COLUMNS.iter().zip(row.iter()) {
                    if cell.starts_with(FORMULA_STARTS) {
                        assert!(
                            ["value", "sample_size", "baseline"].contains(name)
                                && cell.parse::<f64>().is_ok(),
                            "{column} = {payload:?} wrote {name} = {cell:?}"
                        );
                    }
                }
                if ["text", "unit", "region", "tags"].contains(&column)
                    && !payload.starts_with(char::is_whitespace)
                {
                    let again = read(&out).unwrap();
                    assert_eq!(again.problems, vec![], "{column} = {payload:?}");
                    // Tags are kept in lower case whichever way they come in.
                    fields.tags = fields.tags.iter().map(|t| t.to_lowercase()).collect();
                    assert_eq!(again.rows, vec![fields], "{column} = {payload:?}");
                }
            }
        }
    }

    /// A one-row file in the documented columns, with free text where people type it.
    fn file_with(text: &str, unit: &str, region: &str, tags: &str) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record([
                "key",
                "kind",
                "text",
                "value",
                "unit",
                "country",
                "region",
                "collected_on",
                "tags",
                "consent",
                "visibility",
            ])
            .unwrap();
        writer
            .write_record([
                "ok-2020-indicator-01",
                "indicator",
                text,
                "41",
                unit,
                "FR",
                region,
                "2020-01-01",
                tags,
                "given",
                "public",
            ])
            .unwrap();
        writer.into_inner().unwrap()
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_get_an_answer(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2_000)) {
            let _ = read(&bytes);
        }

        #[test]
        fn any_text_csv_gets_an_answer(text in proptest::prelude::any::<String>()) {
            let _ = read(text.as_bytes());
        }

        /// Whatever people typed in the free-text columns, a row the import accepts is written
        /// by the export so that it imports back exactly (formulas neutralised on the way out
        /// and restored on the way in).
        #[test]
        fn accepted_rows_round_trip(
            text in "[=+@'\\t\\r-]?[^\\x00]{0,80}",
            unit in "[=+@'-]?[a-z% ,\"]{0,10}",
            region in proptest::prelude::any::<String>(),
            tags in "([=+@'-]?[a-z ;]{0,8}, ?){0,4}",
        ) {
            let preview = read(&file_with(&text, &unit, &region, &tags)).unwrap();
            let again = read(&write(&preview.rows).unwrap()).unwrap();
            proptest::prop_assert_eq!(again.problems, vec![]);
            proptest::prop_assert_eq!(again.rows, preview.rows);
        }
    }
}
