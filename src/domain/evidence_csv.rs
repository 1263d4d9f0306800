//! Evidence as CSV: the documented columns, reading a file into a preview with every problem
//! and its line number, and writing a list back out. Server-side only (the `csv` crate).
use crate::domain::country_names::{CountryNameProblem, country_from_spreadsheet, fold};
use crate::domain::dates;
use crate::domain::evidence::{EvidenceFields, EvidenceInput};
use crate::domain::evidence_csv_views::FRENCH_COLUMNS;
pub use crate::domain::evidence_csv_views::{FileProblem, RowProblem, Separator, TextEncoding};
use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
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
    /// How the bytes were read (a batch stored before detection was UTF-8 and commas).
    #[serde(default)]
    pub encoding: TextEncoding,
    #[serde(default)]
    pub separator: Separator,
}

/// Reads a file as spreadsheets save it: the encoding and separator are detected (see
/// [`decode`] and [`detect_separator`]), columns may be named in English or French, countries
/// written as codes or names, and dates as `YYYY-MM-DD`, `DD/MM/YYYY` or `DD.MM.YYYY`.
pub fn read(bytes: &[u8]) -> Result<CsvPreview, FileProblem> {
    let (text, encoding) = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    let separator = detect_separator(header_line(&text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator.byte())
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let headers: Vec<Option<&'static str>> = reader
        .headers()
        .map_err(|_| FileProblem::Malformed { line: 1 })?
        .iter()
        .map(column_for_header)
        .collect();
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|c| !headers.contains(&Some(**c)))
        .map(|c| c.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(FileProblem::MissingColumns(missing));
    }
    let index: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| Some(((*h)?, i)))
        .collect();

    // All rows first: whether a slashed date is ambiguous depends on the file's other dates.
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| FileProblem::Malformed {
            line: e.position().map(|p| p.line()).unwrap_or(0),
        })?;
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        if records.len() == MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        records.push(record);
    }
    let cell = |record: &csv::StringRecord, column: &str| {
        let value = index.get(column).and_then(|i| record.get(*i)).unwrap_or("");
        restore_formula(value).to_string()
    };
    let month_first_seen = records
        .iter()
        .any(|r| dates::shows_month_first(&cell(r, "collected_on")));

    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut first_line_of_key: HashMap<String, u64> = HashMap::new();
    let total_rows = records.len();
    for record in &records {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |column: &str| cell(record, column);
        let mut input = EvidenceInput {
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
        let read_as_typed = spreadsheet_values(&mut input, month_first_seen);
        let shown_key: String = input.key.trim().chars().take(64).collect();
        let errors = match input.validate() {
            Ok(fields) if read_as_typed.is_empty() => {
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
                continue;
            }
            Ok(_) => read_as_typed,
            Err(errors) => with_named_values(errors, read_as_typed),
        };
        problems.extend(errors.into_iter().map(|error| RowProblem {
            line,
            key: shown_key.clone(),
            column: error.field().unwrap_or("").to_string(),
            error,
        }));
    }
    Ok(CsvPreview {
        rows,
        lines,
        problems,
        total_rows,
        encoding,
        separator,
    })
}

/// Turns a spreadsheet's ways of writing countries and dates into the codes and `YYYY-MM-DD`
/// the rules check. What cannot be read stays as typed (so the check refuses it too), and
/// comes back as problems that name the value.
fn spreadsheet_values(input: &mut EvidenceInput, month_first_seen: bool) -> Vec<AppError> {
    let shown = |typed: &str| typed.trim().chars().take(64).collect::<String>();
    let mut problems = Vec::new();
    if !input.country.trim().is_empty() {
        match country_from_spreadsheet(&input.country) {
            Ok(code) => input.country = code.to_string(),
            Err(CountryNameProblem::Unknown) => problems.push(AppError::invalid(
                "country",
                Problem::UnknownCountry {
                    typed: shown(&input.country),
                },
            )),
            Err(CountryNameProblem::Ambiguous) => problems.push(AppError::invalid(
                "country",
                Problem::AmbiguousCountry {
                    typed: shown(&input.country),
                },
            )),
        }
    }
    match dates::spreadsheet_date(&input.collected_on, month_first_seen) {
        Ok(Some(iso)) => input.collected_on = iso,
        Ok(None) => {}
        Err(dates::AmbiguousDate) => problems.push(AppError::invalid(
            "collected_on",
            Problem::AmbiguousDate {
                typed: shown(&input.collected_on),
            },
        )),
    }
    problems
}

/// The check's errors, each replaced by the problem that names the typed value when there
/// is one for its column.
fn with_named_values(errors: Vec<AppError>, named: Vec<AppError>) -> Vec<AppError> {
    let mut merged: Vec<AppError> = errors
        .into_iter()
        .map(|e| {
            named
                .iter()
                .find(|n| n.field() == e.field())
                .cloned()
                .unwrap_or(e)
        })
        .collect();
    for n in named {
        if !merged.contains(&n) {
            merged.push(n);
        }
    }
    merged
}

/// The file's text and how it was read. A byte-order mark decides (UTF-8, or UTF-16 as
/// Excel's "Unicode text" saves it); otherwise valid UTF-8 is UTF-8, and anything else is
/// Windows-1252, which every Western European Excel and LibreOffice "CSV" uses by default.
/// Refused as not text: UTF-16 whose bytes contradict its mark (the other byte order, or not
/// UTF-16 at all), and a first line holding a NUL (a binary file such as an `.xlsx`, or
/// UTF-16 saved without a mark).
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, TextEncoding), FileProblem> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        let text = std::str::from_utf8(rest).map_err(|_| FileProblem::NotUtf8)?;
        (Cow::Borrowed(text), TextEncoding::Utf8)
    } else if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        (utf16(rest, encoding_rs::UTF_16LE)?, TextEncoding::Utf16Le)
    } else if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        (utf16(rest, encoding_rs::UTF_16BE)?, TextEncoding::Utf16Be)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(text), TextEncoding::Utf8)
    } else {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text, TextEncoding::Windows1252)
    };
    if header_line(&text).contains('\0') {
        return Err(FileProblem::NotUtf8);
    }
    Ok((text, encoding))
}

/// UTF-16 after its byte-order mark. Column names are ASCII, whose UTF-16 has a zero byte in
/// each pair: on the mark's side when the mark tells the truth.
fn utf16<'a>(
    body: &'a [u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<Cow<'a, str>, FileProblem> {
    let little_endian = encoding == encoding_rs::UTF_16LE;
    let (mut as_marked, mut swapped) = (0usize, 0usize);
    for pair in body.chunks_exact(2).take(4096) {
        let (low, high) = if little_endian {
            (pair[0], pair[1])
        } else {
            (pair[1], pair[0])
        };
        if high == 0 && low != 0 {
            as_marked += 1;
        } else if low == 0 && high != 0 {
            swapped += 1;
        }
    }
    if swapped > as_marked {
        return Err(FileProblem::NotUtf8);
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .ok_or(FileProblem::NotUtf8)
}

fn header_line(text: &str) -> &str {
    text.split('\n').next().unwrap_or("")
}

/// The separator that splits the header line into the most known column names; a tie
/// (including a header that names none) goes to the comma, the format's own separator.
pub fn detect_separator(header_line: &str) -> Separator {
    let mut best = (0, Separator::Comma);
    for separator in Separator::ALL {
        let known = header_line
            .split(char::from(separator.byte()))
            .filter(|name| column_for_header(name).is_some())
            .count();
        if known > best.0 {
            best = (known, separator);
        }
    }
    best.1
}

/// The column a header names, in English or French ([`FRENCH_COLUMNS`]), whatever its case,
/// accents, spaces, underscores or quotes.
pub fn column_for_header(header: &str) -> Option<&'static str> {
    let wanted = fold(header);
    if wanted.is_empty() {
        return None;
    }
    FRENCH_COLUMNS
        .iter()
        .find(|(english, french)| {
            fold(english) == wanted || french.iter().any(|name| fold(name) == wanted)
        })
        .map(|(english, _)| *english)
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

    #[test]
    fn separators_are_detected_from_the_header_line() {
        let table = [
            ("key,kind,text", Separator::Comma),
            ("key;kind;text", Separator::Semicolon),
            ("key\tkind\ttext", Separator::Tab),
            ("\"Clé\";\"Type\";\"Texte\"", Separator::Semicolon),
            // A comma inside names does not win over the separator that finds more columns.
            ("key;text, long;kind;pays", Separator::Semicolon),
            ("key,kind;text", Separator::Comma),
            ("key;kind,text", Separator::Comma),
            ("a;b;c", Separator::Comma),
            ("", Separator::Comma),
            ("key\tkind;text;pays", Separator::Semicolon),
        ];
        for (header, expected) in table {
            assert_eq!(detect_separator(header), expected, "{header:?}");
        }
    }

    #[test]
    fn encodings_are_detected() {
        let header = "clé;texte\nà-1;Gödöllő";
        let mut utf8_bom = b"\xef\xbb\xbf".to_vec();
        utf8_bom.extend_from_slice(header.as_bytes());
        let mut utf16_le = vec![0xff, 0xfe];
        utf16_le.extend(header.encode_utf16().flat_map(u16::to_le_bytes));
        let mut utf16_be = vec![0xfe, 0xff];
        utf16_be.extend(header.encode_utf16().flat_map(u16::to_be_bytes));
        type Decoded<'a> = Result<(&'a str, TextEncoding), FileProblem>;
        let table: [(&[u8], Decoded<'_>); 12] = [
            (header.as_bytes(), Ok((header, TextEncoding::Utf8))),
            (&utf8_bom, Ok((header, TextEncoding::Utf8))),
            (&utf16_le, Ok((header, TextEncoding::Utf16Le))),
            (&utf16_be, Ok((header, TextEncoding::Utf16Be))),
            (
                b"cl\xe9;texte\n\xe0 B\xfcrger \xf6 caf\xe9",
                Ok(("clé;texte\nà Bürger ö café", TextEncoding::Windows1252)),
            ),
            // Windows-1252's euro sign and curly quotes (bytes 0x80-0x9f).
            (
                b"texte\n\x80 \x93cit\xe9\x94",
                Ok(("texte\n€ “cité”", TextEncoding::Windows1252)),
            ),
            (b"", Ok(("", TextEncoding::Utf8))),
            // A UTF-8 mark on bytes that are not UTF-8.
            (b"\xef\xbb\xbfcl\xe9", Err(FileProblem::NotUtf8)),
            // "key" in UTF-16BE behind a little-endian mark.
            (b"\xff\xfe\x00k\x00e\x00y", Err(FileProblem::NotUtf8)),
            // Half a UTF-16 character.
            (b"\xff\xfek\x00e", Err(FileProblem::NotUtf8)),
            // UTF-16 without a mark, and a zip file (an .xlsx) are not text.
            (b"k\x00e\x00y\x00", Err(FileProblem::NotUtf8)),
            (b"PK\x03\x04\x14\x00\x06\x00", Err(FileProblem::NotUtf8)),
        ];
        for (bytes, expected) in table {
            let got = decode(bytes).map(|(text, encoding)| (text.into_owned(), encoding));
            let expected = expected.map(|(text, encoding)| (text.to_string(), encoding));
            assert_eq!(got, expected, "{bytes:?}");
        }
    }

    #[test]
    fn headers_in_english_or_french() {
        let table = [
            ("key", Some("key")),
            (" Key ", Some("key")),
            ("KEY", Some("key")),
            ("Clé", Some("key")),
            ("cle", Some("key")),
            ("Type", Some("kind")),
            ("Quadrant SWOT", Some("swot_quadrant")),
            ("swot quadrant", Some("swot_quadrant")),
            ("Texte", Some("text")),
            ("valeur", Some("value")),
            ("Unité", Some("unit")),
            ("Taille de l'échantillon", Some("sample_size")),
            ("taille_de_l_echantillon", Some("sample_size")),
            ("Sample size", Some("sample_size")),
            ("Valeur de référence", Some("baseline")),
            ("PAYS", Some("country")),
            ("Région", Some("region")),
            ("Date de collecte", Some("collected_on")),
            ("collected-on", Some("collected_on")),
            ("Langue", Some("language")),
            ("Étiquettes", Some("tags")),
            ("Mots-clés", Some("tags")),
            ("Consentement", Some("consent")),
            ("Visibilité", Some("visibility")),
            ("\"pays\"", Some("country")),
            ("notes", None),
            ("", None),
            ("é", None),
        ];
        for (header, expected) in table {
            assert_eq!(column_for_header(header), expected, "{header:?}");
        }
    }

    /// What a French office's Excel saves as "CSV (séparateur: point-virgule)".
    const FRENCH_FILE: &[u8] = b"Cl\xe9;Type;Texte;Pays;Date de collecte;Consentement;Visibilit\xe9;\xc9tiquettes
fr-2021-testimony-31;testimony;\xc0 Besan\xe7on, les b\xe9n\xe9voles ont tout pr\xe9par\xe9.;France;14/07/2021;given;public;caf\xe9, \xe9t\xe9
hu-2021-testimony-32;testimony;Egy \xfcnnep \xf6r\xf6me;Hongrie;03/04/2021;given;public;
de-2021-testimony-33;testimony;Die B\xfcrger halfen.;Deutschland;01.08.2021;anonymised;members;
gr-2021-testimony-34;testimony;Greek text;Gr\xe8ce;2021-09-30;given;public;
xx-2021-testimony-35;testimony;Nowhere.;Hongriee;2021-09-30;given;public;
xx-2021-testimony-36;testimony;Two countries.;Congo;2021-09-30;given;public;
";

    #[test]
    fn a_french_windows_1252_file_with_semicolons() {
        let preview = read(FRENCH_FILE).unwrap();
        assert_eq!(preview.encoding, TextEncoding::Windows1252);
        assert_eq!(preview.separator, Separator::Semicolon);
        assert_eq!(preview.total_rows, 6);
        let read: Vec<(&str, &str, &str)> = preview
            .rows
            .iter()
            .map(|r| (r.key.as_str(), r.country.as_str(), r.collected_on.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("fr-2021-testimony-31", "FR", "2021-07-14"),
                ("hu-2021-testimony-32", "HU", "2021-04-03"),
                ("de-2021-testimony-33", "DE", "2021-08-01"),
                ("gr-2021-testimony-34", "GR", "2021-09-30"),
            ]
        );
        assert_eq!(
            preview.rows[0].text,
            "À Besançon, les bénévoles ont tout préparé."
        );
        assert_eq!(preview.rows[0].tags, ["café", "été"]);
        assert_eq!(preview.rows[1].text, "Egy ünnep öröme");
        let problems: Vec<(u64, AppError)> = preview
            .problems
            .into_iter()
            .map(|p| (p.line, p.error))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    6,
                    AppError::invalid(
                        "country",
                        Problem::UnknownCountry {
                            typed: "Hongriee".into()
                        }
                    )
                ),
                (
                    7,
                    AppError::invalid(
                        "country",
                        Problem::AmbiguousCountry {
                            typed: "Congo".into()
                        }
                    )
                ),
            ]
        );
    }

    #[test]
    fn a_file_that_writes_dates_month_first_makes_its_ambiguous_dates_problems() {
        let file = "key\tkind\ttext\tcountry\tcollected_on\tconsent\tvisibility
us-2021-testimony-01\ttestimony\tOne.\tUS\t04/23/2021\tgiven\tpublic
us-2021-testimony-02\ttestimony\tTwo.\tUS\t03/04/2021\tgiven\tpublic
us-2021-testimony-03\ttestimony\tThree.\tUS\t05/05/2021\tgiven\tpublic
us-2021-testimony-04\ttestimony\tFour.\tUS\t02/30/2021\tgiven\tpublic
";
        let preview = read(file.as_bytes()).unwrap();
        assert_eq!(preview.separator, Separator::Tab);
        let dates: Vec<&str> = preview
            .rows
            .iter()
            .map(|r| r.collected_on.as_str())
            .collect();
        assert_eq!(dates, ["2021-04-23", "2021-05-05"]);
        let problems: Vec<(u64, AppError)> = preview
            .problems
            .into_iter()
            .map(|p| (p.line, p.error))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    3,
                    AppError::invalid(
                        "collected_on",
                        Problem::AmbiguousDate {
                            typed: "03/04/2021".into()
                        }
                    )
                ),
                (5, AppError::invalid("collected_on", Problem::InvalidDate)),
            ]
        );
    }

    #[test]
    fn excel_unicode_text_is_utf16_with_tabs() {
        let mut reader = csv::Reader::from_reader(SAMPLE.as_bytes());
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b'\t')
            .from_writer(Vec::new());
        writer.write_record(reader.headers().unwrap()).unwrap();
        for record in reader.records() {
            writer.write_record(&record.unwrap()).unwrap();
        }
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let preview = read(&bytes).unwrap();
        assert_eq!(preview.encoding, TextEncoding::Utf16Le);
        assert_eq!(preview.separator, Separator::Tab);
        assert_eq!(preview.problems, vec![]);
        assert_eq!(preview.rows, read(SAMPLE.as_bytes()).unwrap().rows);
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
        fn any_bytes_after_a_mark_get_an_answer(
            mark in proptest::sample::select(vec![&b"\xef\xbb\xbf"[..], &b"\xff\xfe"[..], &b"\xfe\xff"[..]]),
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2_000),
        ) {
            let _ = read(&[mark, &bytes[..]].concat());
        }

        /// Rows in any separator, with names and dates in any of the accepted ways.
        #[test]
        fn any_spreadsheet_row_gets_an_answer(
            separator in proptest::sample::select(vec![",", ";", "\t"]),
            country in "(\\PC{0,12}|Hongrie|Ελλάδα|HU)",
            date in "([0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{4}|\\PC{0,12})",
            text in "\\PC{0,40}",
        ) {
            let file = [
                ["clé", "type", "texte", "pays", "date de collecte", "consentement", "visibilité"].join(separator),
                ["k-01", "testimony", text.as_str(), country.as_str(), date.as_str(), "given", "public"].join(separator),
            ]
            .join("\n");
            let _ = read(file.as_bytes());
            let _ = read(&encoding_rs::WINDOWS_1252.encode(&file).0);
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
