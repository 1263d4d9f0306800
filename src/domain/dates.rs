//! Dates shown to people: computed the same way on server and browser, so the page a server
//! renders is the page the browser hydrates. And dates as spreadsheets write them, read into
//! `YYYY-MM-DD` for imports.

/// `YYYY-MM-DD` (UTC) for a unix time, by the civil-from-days algorithm.
pub fn iso_date(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A date a spreadsheet wrote that could be read day first or month first, in a file that
/// writes other dates month first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmbiguousDate;

/// The three numbers of `A/B/YYYY` or `A.B.YYYY` (one or two digits, then four), if that is
/// how `input` is written with `separator`.
fn day_month_year(input: &str, separator: char) -> Option<(u32, u32, i32)> {
    let mut parts = input.trim().split(separator);
    let (a, b, year) = (parts.next()?, parts.next()?, parts.next()?);
    let short = |n: &str| (1..=2).contains(&n.len()) && n.bytes().all(|c| c.is_ascii_digit());
    if parts.next().is_some()
        || !short(a)
        || !short(b)
        || year.len() != 4
        || !year.bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?, year.parse().ok()?))
}

/// Does this value show that its file writes slashed dates month first (`04/23/2021`: the
/// second number cannot be a month but can be a day)?
pub fn shows_month_first(input: &str) -> bool {
    day_month_year(input, '/')
        .is_some_and(|(a, b, _)| (1..=12).contains(&a) && (13..=31).contains(&b))
}

/// A date from a spreadsheet as `YYYY-MM-DD`, or `None` when it is not written `D/M/YYYY` or
/// `D.M.YYYY` (then it is left as typed, for the usual `YYYY-MM-DD` check to judge).
///
/// The network works in Europe, where `DD/MM/YYYY` is the convention, so a slashed date is
/// read day first — unless it can only be month first (`04/23/2021`). A file that shows
/// month-first dates anywhere (`month_first_seen`, from [`shows_month_first`] over all its
/// rows) makes every slashed date whose two numbers could both be months (`03/04/2021`)
/// ambiguous: that row is refused rather than guessed (`03/03/2021` reads the same both ways
/// and is kept). Dotted dates (`14.07.2021`) are always day first, as German writes them.
/// Impossible numbers still come out as `YYYY-MM-DD`, for the calendar check to refuse.
pub fn spreadsheet_date(
    input: &str,
    month_first_seen: bool,
) -> Result<Option<String>, AmbiguousDate> {
    let iso = |y: i32, m: u32, d: u32| Some(format!("{y:04}-{m:02}-{d:02}"));
    if let Some((day, month, year)) = day_month_year(input, '.') {
        return Ok(iso(year, month, day));
    }
    let Some((a, b, year)) = day_month_year(input, '/') else {
        return Ok(None);
    };
    let both_could_be_months = (1..=12).contains(&a) && (1..=12).contains(&b);
    if shows_month_first(input) {
        Ok(iso(year, a, b))
    } else if both_could_be_months && month_first_seen && a != b {
        Err(AmbiguousDate)
    } else {
        Ok(iso(year, b, a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Typed, whether the file shows month-first dates elsewhere, read as.
    type DateCase = (
        &'static str,
        bool,
        Result<Option<&'static str>, AmbiguousDate>,
    );

    #[test]
    fn spreadsheet_dates() {
        let table: &[DateCase] = &[
            ("2021-07-14", false, Ok(None)),
            ("2021-07-14", true, Ok(None)),
            ("14/07/2021", false, Ok(Some("2021-07-14"))),
            ("14/07/2021", true, Ok(Some("2021-07-14"))),
            ("3/4/2021", false, Ok(Some("2021-04-03"))),
            ("03/04/2021", false, Ok(Some("2021-04-03"))),
            ("03/04/2021", true, Err(AmbiguousDate)),
            ("03/03/2021", true, Ok(Some("2021-03-03"))),
            ("04/23/2021", false, Ok(Some("2021-04-23"))),
            ("04/23/2021", true, Ok(Some("2021-04-23"))),
            ("14.07.2021", false, Ok(Some("2021-07-14"))),
            ("03.04.2021", true, Ok(Some("2021-04-03"))),
            (" 1.2.2020 ", false, Ok(Some("2020-02-01"))),
            // Left for the calendar check to refuse.
            ("31/02/2021", false, Ok(Some("2021-02-31"))),
            ("40/40/2021", false, Ok(Some("2021-40-40"))),
            // Not written D/M/YYYY: left as typed.
            ("14/07/21", false, Ok(None)),
            ("2021/07/14", false, Ok(None)),
            ("14/07/2021/1", false, Ok(None)),
            ("1/+2/2021", false, Ok(None)),
            ("yesterday", false, Ok(None)),
            ("", false, Ok(None)),
            ("٣/٤/٢٠٢١", false, Ok(None)),
        ];
        for (typed, month_first_seen, expected) in table {
            let expected = expected.map(|d| d.map(str::to_string));
            assert_eq!(
                spreadsheet_date(typed, *month_first_seen),
                expected,
                "{typed:?} {month_first_seen}"
            );
        }
    }

    #[test]
    fn month_first_evidence() {
        for (typed, shows) in [
            ("04/23/2021", true),
            ("12/13/2021", true),
            ("13/12/2021", false),
            ("03/04/2021", false),
            ("04/32/2021", false),
            ("04.23.2021", false),
            ("2021-04-23", false),
        ] {
            assert_eq!(shows_month_first(typed), shows, "{typed}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_gets_an_answer(typed in "\\PC{0,20}", month_first_seen in proptest::prelude::any::<bool>()) {
            if let Ok(Some(iso)) = spreadsheet_date(&typed, month_first_seen) {
                proptest::prop_assert_eq!(iso.len(), 10);
            }
        }
    }

    #[test]
    fn known_dates() {
        for (unix, date) in [
            (0, "1970-01-01"),
            (951_782_400, "2000-02-29"),
            (1_795_392_000, "2026-11-23"),
            (-86_400, "1969-12-31"),
            (4_107_542_400, "2100-03-01"),
        ] {
            assert_eq!(iso_date(unix), date, "{unix}");
        }
    }
}
