//! Resolving overlapping matches and joining identifier + secret pairs.

use std::collections::BTreeMap;

use super::position::positions;
use super::{Candidate, Match, PairedId};
use crate::rules::Rule;

/// Keeps, among matches whose secrets overlap, the most specific one: higher
/// confidence, then higher severity, then the longer secret, then the earlier rule.
pub(super) fn resolve_overlaps(mut candidates: Vec<Candidate>, rules: &[Rule]) -> Vec<Candidate> {
    candidates.sort_by(|a, b| {
        let (ra, rb) = (&rules[a.rule], &rules[b.rule]);
        (rb.confidence, rb.severity, b.secret.len())
            .cmp(&(ra.confidence, ra.severity, a.secret.len()))
            .then(a.rule.cmp(&b.rule))
            .then(a.secret.start.cmp(&b.secret.start))
    });
    // Accepted secrets by start offset; accepted secrets never overlap each other.
    let mut accepted: BTreeMap<usize, Candidate> = BTreeMap::new();
    for candidate in candidates {
        let before = accepted.range(..candidate.secret.end).next_back();
        let overlaps = before.is_some_and(|(_, other)| other.secret.end > candidate.secret.start);
        if !overlaps {
            accepted.insert(candidate.secret.start, candidate);
        }
    }
    accepted.into_values().collect()
}

/// Computes positions, joins each secret with its nearest identifier within range,
/// and drops identifiers that are absorbed into a pair or not reportable alone.
pub(super) fn pair(haystack: &[u8], candidates: Vec<Candidate>, rules: &[Rule]) -> Vec<Match> {
    let mut offsets: Vec<usize> = candidates
        .iter()
        .flat_map(|c| [c.secret.start, c.secret.end])
        .collect();
    offsets.sort_unstable();
    let found = positions(haystack, &offsets);
    let position_of = |offset: usize| found[offsets.partition_point(|&o| o < offset)];
    let mut matches: Vec<Match> = candidates
        .into_iter()
        .map(|c| Match {
            rule: c.rule,
            start: position_of(c.secret.start),
            end: position_of(c.secret.end),
            secret: c.secret,
            pair: None,
        })
        .collect();
    let mut absorbed = vec![false; matches.len()];
    for index in 0..matches.len() {
        let Some(pairing) = &rules[matches[index].rule].pair else {
            continue;
        };
        let line = matches[index].start.line;
        let nearest = matches
            .iter()
            .enumerate()
            .filter(|(_, other)| other.rule == pairing.with)
            .filter(|(_, other)| other.start.line.abs_diff(line) <= pairing.within_lines)
            .min_by_key(|(other_index, other)| {
                (other.start.line.abs_diff(line), *other_index > index)
            })
            .map(|(other_index, _)| other_index);
        if let Some(id_index) = nearest {
            absorbed[id_index] = true;
            let id = &matches[id_index];
            let paired = PairedId {
                rule: id.rule,
                secret: id.secret.clone(),
                start: id.start,
            };
            matches[index].pair = Some(paired);
        }
    }
    matches
        .into_iter()
        .zip(absorbed)
        .filter(|(m, absorbed)| !absorbed && (m.pair.is_some() || rules[m.rule].report_unpaired))
        .map(|(m, _)| m)
        .collect()
}
