//! Where in a large blob a rule's pattern runs: within reach of its keywords.
//!
//! Each rule's pattern used to run over the whole of every blob holding one of its
//! keywords. A bundled SDK of 12 MB names most cloud services once or twice, so
//! dozens of patterns ran over all 12 MB for a handful of keywords. Configuration
//! files are searched whole as before; in larger blobs a match must start and end
//! within [`REACH`] of one of its rule's keywords, which every rule's examples satisfy
//! by a wide margin (a private key block, the longest, is under 10 KiB).

use std::ops::Range;

use super::prefilter::Occurrence;

/// Blobs up to this size are searched whole by every rule with a keyword in them.
pub(super) const WHOLE_BLOB: usize = 256 << 10;

/// How far before or after one of its keywords a rule's match may lie in a larger
/// blob.
pub(super) const REACH: usize = 16 << 10;

/// For each of `rules` (sorted slot indexes), the ranges of a blob of `len` bytes
/// within [`REACH`] of one of its keywords, sorted and apart. `slots_of` names the
/// slots a keyword stands for.
pub(super) fn windows<'a>(
    occurrences: &[Occurrence],
    rules: &[usize],
    len: usize,
    slots_of: impl Fn(usize) -> &'a [usize],
) -> Vec<Vec<Range<usize>>> {
    let mut windows = vec![Vec::new(); rules.len()];
    for occurrence in occurrences {
        let span = &occurrence.span;
        let window = span.start.saturating_sub(REACH)..span.end.saturating_add(REACH).min(len);
        for slot in slots_of(occurrence.keyword) {
            if let Ok(position) = rules.binary_search(slot) {
                extend(&mut windows[position], window.clone());
            }
        }
    }
    windows
}

/// Adds `window` to `windows`, whose last range ends no later than it does.
fn extend(windows: &mut Vec<Range<usize>>, window: Range<usize>) {
    match windows.last_mut() {
        Some(last) if window.start <= last.end => {
            last.start = last.start.min(window.start);
            last.end = last.end.max(window.end);
        }
        _ => windows.push(window),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(keyword: usize, start: usize, len: usize) -> Occurrence {
        Occurrence {
            keyword,
            span: start..start + len,
        }
    }

    #[test]
    fn each_rule_gets_the_reach_around_its_own_keywords_merged() {
        // Keyword 0 stands for rule 3, keyword 1 for rules 3 and 7, keyword 2 for a
        // marker (slot 9) that is not among the rules.
        let slots: [&[usize]; 3] = [&[3], &[3, 7], &[9]];
        let len = 200_000;
        let occurrences = [
            at(0, 100, 5),
            at(1, 10_000, 6),
            at(2, 60_000, 3),
            at(1, 100_000, 6),
            at(0, 199_990, 5),
        ];
        let windows = windows(&occurrences, &[3, 7], len, |keyword| slots[keyword]);
        assert_eq!(
            windows[0],
            vec![
                0..10_006 + REACH,
                100_000 - REACH..100_006 + REACH,
                199_990 - REACH..len
            ]
        );
        assert_eq!(
            windows[1],
            vec![0..10_006 + REACH, 100_000 - REACH..100_006 + REACH]
        );
    }
}
