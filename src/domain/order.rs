//! Order keys: strings that sort like the blocks of a paper, so a block can be inserted or
//! moved between two others by writing only its own key (no renumbering of the rest, and
//! two editors moving different blocks never touch the same records).
//!
//! Keys use the digits `0-9a-z` and compare as plain strings. A key never ends in `0`, so
//! there is always room below it; between any two different keys there is always another.

const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE: u32 = 36;

fn digit(c: u8) -> u32 {
    DIGITS.iter().position(|d| *d == c).unwrap_or(0) as u32
}

/// A key strictly between `before` and `after` (either may be absent: the start or end of
/// the paper). If `before >= after` (a caller's mistake), the result sorts after `before`.
pub fn between(before: Option<&str>, after: Option<&str>) -> String {
    let low = before.unwrap_or("").as_bytes();
    let high = after.filter(|a| Some(*a) > before).map(str::as_bytes);
    let mut key = Vec::new();
    let mut i = 0;
    loop {
        let lo = low.get(i).map(|c| digit(*c)).unwrap_or(0);
        // While the prefix so far equals `high`'s prefix, `high` bounds this digit.
        let hi = match high {
            Some(h) if key.as_slice() == &h[..i.min(h.len())] => {
                h.get(i).map(|c| digit(*c)).unwrap_or(0)
            }
            _ => BASE,
        };
        if hi > lo + 1 {
            key.push(DIGITS[((lo + hi) / 2) as usize]);
            break;
        }
        // No room at this position: copy the lower digit and go one deeper.
        key.push(DIGITS[lo as usize]);
        i += 1;
    }
    String::from_utf8(key).unwrap_or_default()
}

/// `n` keys in order, spread evenly (for a paper imported or generated in one go).
pub fn spread(n: usize) -> Vec<String> {
    let width = {
        let mut width = 1;
        let mut room = BASE as usize - 1;
        while room < n + 1 {
            width += 1;
            room *= BASE as usize;
        }
        width
    };
    let total = (BASE as u64).pow(width as u32);
    let step = total / (n as u64 + 1);
    (1..=n as u64)
        .map(|i| {
            let mut value = i * step;
            let mut digits = vec![b'0'; width];
            for slot in digits.iter_mut().rev() {
                *slot = DIGITS[(value % BASE as u64) as usize];
                value /= BASE as u64;
            }
            while digits.len() > 1 && digits.last() == Some(&b'0') {
                digits.pop();
            }
            String::from_utf8(digits).unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(key: &str) -> bool {
        !key.is_empty() && !key.ends_with('0') && key.bytes().all(|c| DIGITS.contains(&c))
    }

    #[test]
    fn between_sorts_between() {
        let table: &[(Option<&str>, Option<&str>)] = &[
            (None, None),
            (None, Some("i")),
            (Some("i"), None),
            (Some("a"), Some("b")),
            (Some("a"), Some("a1")),
            (Some("az"), Some("b")),
            (Some("zz"), None),
            (None, Some("01")),
            (None, Some("001")),
            (Some("a"), Some("a01")),
        ];
        for (before, after) in table {
            let key = between(*before, *after);
            assert!(valid(&key), "{before:?} {after:?} -> {key}");
            if let Some(b) = before {
                assert!(key.as_str() > *b, "{key} > {b}");
            }
            if let Some(a) = after {
                assert!(key.as_str() < *a, "{key} < {a}");
            }
        }
    }

    #[test]
    fn repeated_inserts_keep_order() {
        // Always inserting right after the first block, then always at the front, then
        // always at the end: keys stay valid, ordered and short enough.
        let mut keys = vec![between(None, None)];
        for _ in 0..200 {
            let key = between(Some(&keys[0]), keys.get(1).map(String::as_str));
            keys.insert(1, key);
            let front = between(None, Some(&keys[0]));
            keys.insert(0, front);
            let end = between(keys.last().map(String::as_str), None);
            keys.push(end);
        }
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.iter().all(|k| valid(k)));
        assert!(keys.iter().all(|k| k.len() < 220), "linear growth at worst");
    }

    #[test]
    fn spread_is_ordered_and_leaves_room() {
        for n in [0, 1, 2, 35, 36, 500, 5000] {
            let keys = spread(n);
            assert_eq!(keys.len(), n);
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{n}");
            assert!(keys.iter().all(|k| valid(k)), "{n}");
            if let (Some(a), Some(b)) = (keys.first(), keys.get(1)) {
                let mid = between(Some(a), Some(b));
                assert!(a < &mid && &mid < b);
            }
        }
    }

    #[test]
    fn a_mistaken_order_still_sorts_after_before() {
        let key = between(Some("m"), Some("c"));
        assert!(key.as_str() > "m");
    }
}
