//! Resolving overlapping matches and joining identifier + secret pairs.

use std::collections::BTreeMap;

use super::position::{Position, positions};
use super::{Candidate, Match, PairedId};
use crate::rules::{Confidence, Rule};

/// A candidate with its positions, before overlaps are resolved.
struct Located {
    candidate: Candidate,
    start: Position,
    end: Position,
}

/// Turns filtered candidates into matches: locates them, keeps the most specific of
/// overlapping secrets, joins each secret with its nearest identifier, and drops
/// identifiers that are absorbed into a pair or not reportable alone.
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
            let line = item.start.line;
            let first =
                ids.partition_point(|&id| located[id].start.line + pairing.within_lines < line);
            ids[first..]
                .iter()
                .take_while(|&&id| located[id].start.line <= line + pairing.within_lines)
                .min_by_key(|&&id| {
                    (
                        located[id].start.line.abs_diff(line),
                        located[id].start > item.start,
                    )
                })
                .copied()
        })
        .collect()
}

/// Keeps, among candidates whose secrets overlap, the most specific one: higher
/// confidence (a secret with its identifier in range counts as high), then higher
/// severity, then the longer secret, then the earlier rule.
fn resolve_overlaps(located: Vec<Located>, rules: &[Rule]) -> Vec<Located> {
    let partners = partners(&located, rules);
    let rank = |index: usize| {
        let Located { candidate, .. } = &located[index];
        let rule = &rules[candidate.rule];
        let paired = partners[index].is_some();
        let confidence = if paired {
            Confidence::High
        } else {
            rule.confidence
        };
        (confidence, rule.severity, candidate.secret.len())
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
                }
            })
        })
        .collect();
    located
        .into_iter()
        .zip(paired_ids)
        .zip(absorbed)
        .filter(|((located, pair), absorbed)| {
            !absorbed && (pair.is_some() || rules[located.candidate.rule].report_unpaired)
        })
        .map(|((located, pair), _)| Match {
            rule: located.candidate.rule,
            secret: located.candidate.secret,
            start: located.start,
            end: located.end,
            pair,
        })
        .collect()
}
