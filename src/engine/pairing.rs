//! Resolving overlapping matches and joining identifier + secret pairs.

use std::collections::BTreeMap;

use super::{Candidate, Match, PairedId};
use crate::rules::{Confidence, Rule, Severity};
use crate::text::{Position, positions};

/// A candidate with its positions, before overlaps are resolved.
struct Located {
    candidate: Candidate,
    start: Position,
    end: Position,
}

/// Turns filtered candidates into matches: locates them, keeps the most specific of
/// overlapping secrets, joins each secret with its nearest identifier, and drops
/// identifiers absorbed into a pair; those not reportable alone are kept as loose.
pub(super) fn resolve(haystack: &[u8], candidates: Vec<Candidate>, rules: &[Rule]) -> Vec<Match> {
    let located = locate(haystack, candidates);
    let kept = resolve_overlaps(located, rules);
    pair(kept, rules)
}

fn locate(haystack: &[u8], candidates: Vec<Candidate>) -> Vec<Located> {
    let mut offsets: Vec<usize> = candidates
        .iter()
        .flat_map(|c| [c.secret.start, c.secret.end])
        .collect();
    offsets.sort_unstable();
    let found = positions(haystack, &offsets);
    let position_of = |offset: usize| found[offsets.partition_point(|&o| o < offset)];
    candidates
        .into_iter()
        .map(|candidate| Located {
            start: position_of(candidate.secret.start),
            end: position_of(candidate.secret.end),
            candidate,
        })
        .collect()
}

/// For each candidate, the identifier it pairs with: the nearest candidate of its
/// pairing rule within range by line, preferring the one above on a tie.
fn partners(located: &[Located], rules: &[Rule]) -> Vec<Option<usize>> {
    // Candidates of each rule, sorted by position, for range lookups by line.
    let mut by_rule: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (index, item) in located.iter().enumerate() {
        by_rule.entry(item.candidate.rule).or_default().push(index);
    }
    for indices in by_rule.values_mut() {
        indices.sort_by_key(|&index| located[index].start);
    }
    located
        .iter()
        .map(|item| {
            let pairing = rules[item.candidate.rule].pair.as_ref()?;
            let ids = by_rule.get(&pairing.with)?;
            nearest(ids, located, item.start.line, pairing.within_lines)
        })
        .collect()
}

/// Of `ids` (sorted by position), the first on the nearest line to `line` within
/// `within` lines, the line above winning a tie with the line below. Binary searches
/// only: a minified line can hold a hundred thousand identifiers.
fn nearest(ids: &[usize], located: &[Located], line: usize, within: usize) -> Option<usize> {
    let line_of = |id: usize| located[id].start.line;
    let first_on = |target: usize| ids[ids.partition_point(|&id| line_of(id) < target)];
    let at = ids.partition_point(|&id| line_of(id) < line);
    let below = ids.get(at).map(|&id| line_of(id) - line);
    if below == Some(0) {
        return Some(ids[at]);
    }
    let above = at.checked_sub(1).map(|last| line - line_of(ids[last]));
    match (above, below) {
        (Some(up), down) if up <= within && down.is_none_or(|down| up <= down) => {
            Some(first_on(line - up))
        }
        (_, Some(down)) if down <= within => Some(ids[at]),
        _ => None,
    }
}

/// Keeps, among candidates whose secrets overlap, the most specific one: higher
/// confidence (a secret with its identifier in range, and that identifier, count as
/// high), then higher severity, then the longer secret, then the earlier rule.
fn resolve_overlaps(located: Vec<Located>, rules: &[Rule]) -> Vec<Located> {
    let partners = partners(&located, rules);
    let mut partnered = vec![false; located.len()];
    for &id in partners.iter().flatten() {
        partnered[id] = true;
    }
    let rank = |index: usize| {
        let Located { candidate, .. } = &located[index];
        let paired = partners[index].is_some() || partnered[index];
        let (confidence, severity) = specificity(&rules[candidate.rule], paired);
        (confidence, severity, candidate.secret.len())
    };
    let mut order: Vec<(usize, _)> = (0..located.len())
        .map(|index| (index, rank(index)))
        .collect();
    order.sort_by(|(a, rank_a), (b, rank_b)| {
        let (a, b) = (&located[*a].candidate, &located[*b].candidate);
        rank_b
            .cmp(rank_a)
            .then(a.rule.cmp(&b.rule))
            .then(a.secret.start.cmp(&b.secret.start))
    });
    // Accepted secrets by start offset; accepted secrets never overlap each other.
    let mut accepted: BTreeMap<usize, usize> = BTreeMap::new();
    let mut keep = vec![false; located.len()];
    for (index, _) in order {
        let secret = &located[index].candidate.secret;
        let before = accepted.range(..secret.end).next_back();
        let overlaps =
            before.is_some_and(|(_, &other)| located[other].candidate.secret.end > secret.start);
        if !overlaps {
            accepted.insert(secret.start, index);
            keep[index] = true;
        }
    }
    located
        .into_iter()
        .zip(keep)
        .filter(|(_, keep)| *keep)
        .map(|(located, _)| located)
        .collect()
}

/// How specific a match of `rule` is, for choosing among overlapping ones: its
/// confidence (high when it is part of a pair), then its severity.
pub fn specificity(rule: &Rule, paired: bool) -> (Confidence, Severity) {
    let confidence = if paired {
        Confidence::High
    } else {
        rule.confidence
    };
    (confidence, rule.severity)
}

fn pair(located: Vec<Located>, rules: &[Rule]) -> Vec<Match> {
    let partners = partners(&located, rules);
    let mut absorbed = vec![false; located.len()];
    for id_index in partners.iter().flatten() {
        absorbed[*id_index] = true;
    }
    let paired_ids: Vec<Option<PairedId>> = partners
        .iter()
        .map(|partner| {
            partner.map(|id_index| {
                let id = &located[id_index];
                PairedId {
                    rule: id.candidate.rule,
                    secret: id.candidate.secret.clone(),
                    start: id.start,
                    end: id.end,
                }
            })
        })
        .collect();
    located
        .into_iter()
        .zip(paired_ids)
        .zip(absorbed)
        .filter(|(_, absorbed)| !absorbed)
        .map(|((located, pair), _)| Match {
            loose: pair.is_none() && !rules[located.candidate.rule].report_unpaired,
            rule: located.candidate.rule,
            secret: located.candidate.secret,
            start: located.start,
            end: located.end,
            pair,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Identifiers at `(line, column)`, in position order, and their indices.
    fn ids_at(places: &[(usize, usize)]) -> (Vec<Located>, Vec<usize>) {
        let located = places
            .iter()
            .map(|&(line, column)| Located {
                candidate: Candidate {
                    rule: 0,
                    secret: 0..1,
                },
                start: Position { line, column },
                end: Position { line, column },
            })
            .collect();
        (located, (0..places.len()).collect())
    }

    #[test]
    fn the_nearest_line_wins_and_the_line_above_breaks_a_tie() {
        let (located, ids) = ids_at(&[(3, 9), (3, 20), (7, 1)]);
        assert_eq!(
            nearest(&ids, &located, 5, 5),
            Some(0),
            "tie: above, first on its line"
        );
        assert_eq!(nearest(&ids, &located, 6, 5), Some(2), "below is nearer");
        assert_eq!(
            nearest(&ids, &located, 1, 5),
            Some(0),
            "only below in range"
        );
        assert_eq!(nearest(&ids, &located, 13, 5), None, "out of range");
        assert_eq!(nearest(&ids, &located, 13, 6), Some(2));
    }

    #[test]
    fn on_its_own_line_the_first_identifier_wins() {
        let (located, ids) = ids_at(&[(2, 1), (5, 4), (5, 30), (6, 1)]);
        assert_eq!(nearest(&ids, &located, 5, 0), Some(1));
        assert_eq!(nearest(&ids, &located, 4, 0), None);
        assert_eq!(
            nearest(&ids, &located, 4, 1),
            Some(1),
            "below, first on line 5"
        );
    }
}
