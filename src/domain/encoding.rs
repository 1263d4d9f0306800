//! Which compressed form of a page to send, from the request's `Accept-Encoding`
//! (RFC 9110 §12.5.3): the listed codings with their weights, `q=0` meaning "not this one",
//! `*` standing for every coding not named, and `identity` always acceptable unless refused.
//! The weighted list itself ([`weighted`]) is read the same way for `Accept-Language`.

/// A compressed form the server keeps a page in, best first when the client likes both
/// equally (brotli is smaller for HTML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    pub fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }
}

/// Longer headers than this are not read (a browser sends a few dozen bytes); the page is
/// then sent as it is, which every client accepts.
const HEADER_MAX: usize = 1_024;

/// The coding to send: the one with the highest weight among those offered (ties go to the
/// earlier in [`Coding`]'s order), or `None` for the page as it is, when nothing offered is
/// accepted or identity is weighted higher.
pub fn preferred(accept_encoding: &str) -> Option<Coding> {
    let weights = weighted(accept_encoding);
    let weight_of = |token: &str| {
        weights
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(token))
            .or_else(|| weights.iter().find(|(name, _)| *name == "*"))
            .map(|(_, w)| *w)
    };
    // Identity is acceptable at the lowest weight unless named or refused through `*`.
    let identity = weights
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("identity"))
        .map_or(1, |(_, w)| *w);
    let mut best: Option<(Coding, u16)> = None;
    for coding in [Coding::Brotli, Coding::Gzip] {
        if let Some(weight) = weight_of(coding.token())
            && weight > 0
            && best.is_none_or(|(_, b)| weight > b)
        {
            best = Some((coding, weight));
        }
    }
    best.filter(|(_, weight)| *weight >= identity)
        .map(|(coding, _)| coding)
}

/// The items of a weighted header list (Accept-Encoding, Accept-Language: `name;q=0.8, …`)
/// with their weights in thousandths (1000 when none is given), in the order given. An item
/// whose weight cannot be read is left out; a header longer than [`HEADER_MAX`] is not read.
pub fn weighted(header: &str) -> Vec<(&str, u16)> {
    if header.len() > HEADER_MAX {
        return Vec::new();
    }
    let mut weights = Vec::new();
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        if name.is_empty() {
            continue;
        }
        let mut weight = Some(1000);
        for parameter in parts {
            let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            if key.trim().eq_ignore_ascii_case("q") {
                weight = quality(value.trim());
            }
        }
        if let Some(weight) = weight {
            weights.push((name, weight));
        }
    }
    weights
}

/// A qvalue in thousandths: "0" to "1" with up to three decimals.
fn quality(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_gets_brotli_and_an_older_client_gzip() {
        assert_eq!(preferred("gzip, deflate, br, zstd"), Some(Coding::Brotli));
        assert_eq!(preferred("gzip, deflate"), Some(Coding::Gzip));
        assert_eq!(preferred("GZIP"), Some(Coding::Gzip));
    }

    #[test]
    fn no_header_or_nothing_known_sends_the_page_as_it_is() {
        assert_eq!(preferred(""), None);
        assert_eq!(preferred("deflate, zstd"), None);
        assert_eq!(preferred("identity"), None);
    }

    #[test]
    fn weights_choose_and_zero_refuses() {
        assert_eq!(preferred("br;q=0.5, gzip;q=0.8"), Some(Coding::Gzip));
        assert_eq!(preferred("br;q=0, gzip"), Some(Coding::Gzip));
        assert_eq!(preferred("br;q=0, gzip;q=0"), None);
        assert_eq!(preferred("gzip;q=0.2, identity;q=0.5"), None);
        assert_eq!(preferred("gzip;q=1.0, br; q=0.999"), Some(Coding::Gzip));
    }

    #[test]
    fn a_star_stands_for_every_coding_not_named() {
        assert_eq!(preferred("*"), Some(Coding::Brotli));
        assert_eq!(preferred("br;q=0, *"), Some(Coding::Gzip));
        assert_eq!(preferred("*;q=0"), None);
    }

    #[test]
    fn unreadable_weights_and_long_headers_are_ignored() {
        assert_eq!(preferred("br;q=2, gzip"), Some(Coding::Gzip));
        assert_eq!(preferred("br;q=0.1234, gzip;q=abc"), None);
        assert_eq!(preferred(",,; ,gzip"), Some(Coding::Gzip));
        let long = format!("{}, gzip", "x".repeat(HEADER_MAX));
        assert_eq!(preferred(&long), None);
    }

    proptest::proptest! {
        /// Any header gets an answer, and only a coding the client named (or `*`) is chosen.
        #[test]
        fn any_header_gets_a_coding_it_named(header in "[a-zA-Z0-9*;=., -]{0,120}") {
            if let Some(coding) = preferred(&header) {
                let named: Vec<String> = header
                    .split(',')
                    .filter_map(|item| item.split(';').next())
                    .map(|name| name.trim().to_ascii_lowercase())
                    .collect();
                proptest::prop_assert!(
                    named.iter().any(|n| n == coding.token() || n == "*"),
                    "{} chosen for {:?}", coding.token(), header
                );
            }
        }

        #[test]
        fn any_text_is_read_without_panicking(header in proptest::prelude::any::<String>()) {
            let _ = preferred(&header);
        }
    }
}
