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

/// One place towards the paper's start (`Up`) or its end (`Down`): keyboard and
/// no-JavaScript reordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Up,
    Down,
}

impl Step {
    /// The form's `direction` word (`None` for anything else).
    pub fn parse(direction: &str) -> Option<Step> {
        match direction {
            "up" => Some(Step::Up),
            "down" => Some(Step::Down),
            _ => None,
        }
    }
}

/// Where a moved block lands: between `previous` and `next` (`None`: the paper's start or
/// end). Its new order key is `between(previous's key, next's key)`.
#[derive(Debug, PartialEq, Eq)]
pub struct Gap<'a, T> {
    pub previous: Option<&'a T>,
    pub next: Option<&'a T>,
}

/// The gap the block at `at` of `order` (the whole paper, every part) moves into when it
/// takes one `step`; `None` when it stays: the first block going up, the last going down,
/// or an index past the end.
pub fn stepped<T>(order: &[T], at: usize, step: Step) -> Option<Gap<'_, T>> {
    if at >= order.len() {
        return None;
    }
    match step {
        Step::Up if at == 0 => None,
        Step::Up => Some(Gap {
            previous: at.checked_sub(2).map(|i| &order[i]),
            next: Some(&order[at - 1]),
        }),
        Step::Down if at + 1 == order.len() => None,
        Step::Down => Some(Gap {
            previous: Some(&order[at + 1]),
            next: order.get(at + 2),
        }),
    }
}

/// Where a block dropped onto another goes, as the id of the block it is placed after: just
/// after `onto` when dropped on its lower half, else just before it (after the block above it
/// that is not the one moving; at the top of the shown part, after `before`, the block shown
/// before this part of a long paper, "" for the paper's top).
pub fn after_for_drop(
    order: &[String],
    moving: &str,
    onto: &str,
    below: bool,
    before: &str,
) -> String {
    if below {
        return onto.to_string();
    }
    let at = order.iter().position(|b| b == onto).unwrap_or(0);
    order
        .iter()
        .take(at)
        .rfind(|b| *b != moving)
        .cloned()
        .unwrap_or_else(|| before.to_string())
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

    #[test]
    fn a_step_lands_between_the_new_neighbours() {
        // A paper of three parts, blocks b0…b249 with spread keys.
        let paper: Vec<(String, String)> = spread(250)
            .into_iter()
            .enumerate()
            .map(|(i, key)| (format!("b{i}"), key))
            .collect();
        let edge = crate::domain::papers::PART_SIZE;
        type Neighbours<'a> = Option<(Option<&'a str>, Option<&'a str>)>;
        // (case, blocks in the paper, index moved, step, its new neighbours; None: it stays)
        let table: &[(&str, usize, usize, Step, Neighbours)] = &[
            ("first block up", 250, 0, Step::Up, None),
            ("last block down", 250, 249, Step::Down, None),
            (
                "second up, to the top",
                250,
                1,
                Step::Up,
                Some((None, Some("b0"))),
            ),
            (
                "middle up",
                250,
                10,
                Step::Up,
                Some((Some("b8"), Some("b9"))),
            ),
            (
                "middle down",
                250,
                10,
                Step::Down,
                Some((Some("b11"), Some("b12"))),
            ),
            (
                "last but one down, to the end",
                250,
                248,
                Step::Down,
                Some((Some("b249"), None)),
            ),
            (
                "down across a part's edge",
                250,
                edge - 1,
                Step::Down,
                Some((Some("b100"), Some("b101"))),
            ),
            (
                "up across a part's edge",
                250,
                edge,
                Step::Up,
                Some((Some("b98"), Some("b99"))),
            ),
            ("past the end", 250, 250, Step::Up, None),
            ("a one-block paper, up", 1, 0, Step::Up, None),
            ("a one-block paper, down", 1, 0, Step::Down, None),
            (
                "a two-block paper, down",
                2,
                0,
                Step::Down,
                Some((Some("b1"), None)),
            ),
        ];
        for (name, blocks, at, step, expected) in table {
            let order = &paper[..*blocks];
            let gap = stepped(order, *at, *step);
            let ids = gap.as_ref().map(|g| {
                (
                    g.previous.map(|(id, _)| id.as_str()),
                    g.next.map(|(id, _)| id.as_str()),
                )
            });
            assert_eq!(ids, *expected, "{name}");
            let Some(gap) = gap else { continue };
            // The key the gap gives puts the block exactly one place further.
            let key = between(
                gap.previous.map(|(_, k)| k.as_str()),
                gap.next.map(|(_, k)| k.as_str()),
            );
            let mut moved = order.to_vec();
            moved[*at].1 = key;
            moved.sort_by(|a, b| a.1.cmp(&b.1));
            let now = moved
                .iter()
                .position(|(id, _)| *id == order[*at].0)
                .unwrap();
            let wanted = match step {
                Step::Up => at - 1,
                Step::Down => at + 1,
            };
            assert_eq!(now, wanted, "{name}");
        }
    }

    #[test]
    fn only_up_and_down_are_steps() {
        assert_eq!(Step::parse("up"), Some(Step::Up));
        assert_eq!(Step::parse("down"), Some(Step::Down));
        for other in ["", "Up", "left", "up "] {
            assert_eq!(Step::parse(other), None, "{other:?}");
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_drop_on_the_lower_half_goes_after_the_target() {
        let order = ids(&["a", "b", "c"]);
        assert_eq!(after_for_drop(&order, "a", "c", true, ""), "c");
    }

    #[test]
    fn a_drop_on_the_upper_half_goes_after_the_block_above_the_target() {
        let order = ids(&["a", "b", "c", "d"]);
        assert_eq!(after_for_drop(&order, "a", "c", false, ""), "b");
        // The block above is the one moving: it is skipped.
        assert_eq!(after_for_drop(&order, "b", "c", false, ""), "a");
    }

    #[test]
    fn a_drop_above_the_first_shown_block_goes_after_the_block_before_the_part() {
        let order = ids(&["a", "b"]);
        assert_eq!(after_for_drop(&order, "b", "a", false, ""), "");
        assert_eq!(after_for_drop(&order, "b", "a", false, "z"), "z");
        assert_eq!(after_for_drop(&order, "a", "b", false, "z"), "z");
    }
}
