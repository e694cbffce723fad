//! Pairing beyond one haystack, which the engine cannot see: a secret found in a
//! decoded view of a blob with its identifier in the blob's own text (or another
//! view), and a secret whose identifier is in another file of its directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::engine::PairedId;
use crate::finding::{Finding, Origin, PairedFinding};
use crate::rules::{Confidence, Rule};
use crate::text::Position;

use super::findings::Hit;

/// An identifier found in a blob that no secret there paired with, kept until every
/// file is scanned for a secret in another file of its directory.
#[derive(Debug, Clone)]
pub(super) struct LooseId {
    /// Index of the identifier rule.
    pub(super) rule: usize,
    /// The blob it is in.
    pub(super) origin: Origin,
    /// Where it starts.
    pub(super) start: Position,
    /// Where it ends (exclusive column).
    pub(super) end: Position,
    /// Its value.
    pub(super) value: String,
}

/// The files an identifier can pair across (commit, directory) and its rule.
type GroupKey = (Option<String>, PathBuf, usize);

/// An identifier that may pair across files, and its index among the findings when it
/// is reported on its own.
type Candidate = (Option<usize>, LooseId);

/// Pairs the unpaired secrets among `hits` (one blob's, in blob positions) with the
/// nearest identifier of their pairing rule within its window, where the secret or
/// the identifier came from a decoded view (the engine paired the blob's own text).
/// An identifier that pairs leaves `hits`; so do the loose identifiers no secret took,
/// which are returned.
pub(super) fn pair_in_blob(hits: &mut Vec<Hit>, rules: &[Rule]) -> Vec<Hit> {
    if hits.iter().any(|hit| hit.view.is_some()) {
        let taken = pair_hits(hits, rules);
        let mut index = 0;
        hits.retain(|_| {
            index += 1;
            !taken[index - 1]
        });
    }
    hits.extract_if(.., |hit| hit.found.loose).collect()
}

/// Joins secrets with identifiers across views; says which hits were taken as
/// identifiers.
fn pair_hits(hits: &mut [Hit], rules: &[Rule]) -> Vec<bool> {
    // Unpaired hits of each rule, by line, for window lookups.
    let mut by_rule: HashMap<usize, Vec<usize>> = HashMap::new();
    for (index, hit) in hits.iter().enumerate() {
        if hit.found.pair.is_none() {
            by_rule.entry(hit.found.rule).or_default().push(index);
        }
    }
    for indices in by_rule.values_mut() {
        indices.sort_by_key(|&index| hits[index].found.start);
    }
    let mut taken = vec![false; hits.len()];
    for secret in 0..hits.len() {
        let hit = &hits[secret];
        if hit.found.pair.is_some() || hit.found.loose || taken[secret] {
            continue;
        }
        let Some(pairing) = rules[hit.found.rule].pair else {
            continue;
        };
        let Some(ids) = by_rule.get(&pairing.with) else {
            continue;
        };
        let line = hit.found.start.line;
        let first =
            ids.partition_point(|&id| hits[id].found.start.line + pairing.within_lines < line);
        let nearest = ids[first..]
            .iter()
            .copied()
            .take_while(|&id| hits[id].found.start.line <= line + pairing.within_lines)
            .filter(|&id| !taken[id] && (hit.view.is_some() || hits[id].view.is_some()))
            // Nearest line first; the line above wins a tie.
            .min_by_key(|&id| {
                let other = hits[id].found.start.line;
                (other.abs_diff(line), other > line)
            });
        let Some(id) = nearest else {
            continue;
        };
        taken[id] = true;
        let identifier = &hits[id];
        let pair = PairedId {
            rule: identifier.found.rule,
            secret: identifier.found.secret.clone(),
            start: identifier.found.start,
            end: identifier.found.end,
        };
        let value = identifier.secret.clone();
        hits[secret].found.pair = Some(pair);
        hits[secret].identifier = Some(value);
    }
    taken
}

/// The files whose identifiers a secret may pair with: one directory, and in a
/// history scan one commit.
fn group(origin: &Origin) -> (Option<&str>, &Path) {
    let commit = origin.commit().map(|commit| commit.id.as_str());
    let directory = origin.path().parent().unwrap_or(Path::new(""));
    (commit, directory)
}

/// Pairs each unpaired secret of a rule that pairs `across_files` with the identifier
/// of its pairing rule in another file of its group ([`group`]), when the group holds
/// exactly one identifier value of that rule: among `loose` identifiers and unpaired
/// identifier findings, which leave `findings` when they pair.
pub(super) fn pair_across_files(findings: &mut Vec<Finding>, loose: Vec<LooseId>, rules: &[Rule]) {
    let wanted = |rule: usize| {
        rules[rule]
            .pair
            .filter(|pairing| pairing.across_files)
            .map(|pairing| pairing.with)
    };
    let seeking: Vec<usize> = (0..findings.len())
        .filter(|&index| findings[index].pair.is_none() && wanted(findings[index].rule).is_some())
        .collect();
    if seeking.is_empty() {
        return;
    }
    // Every unpaired identifier, reported or loose, by group and rule.
    let identifier_rules: Vec<usize> = seeking
        .iter()
        .filter_map(|&index| wanted(findings[index].rule))
        .collect();
    let reported = findings
        .iter()
        .enumerate()
        .filter(|(_, finding)| finding.pair.is_none() && identifier_rules.contains(&finding.rule))
        .map(|(index, finding)| {
            let id = LooseId {
                rule: finding.rule,
                origin: finding.origin.clone(),
                start: finding.start,
                end: finding.end,
                value: finding.secret.clone(),
            };
            (Some(index), id)
        });
    let loose = loose
        .into_iter()
        .filter(|id| identifier_rules.contains(&id.rule))
        .map(|id| (None, id));
    let mut candidates: HashMap<GroupKey, Vec<Candidate>> = HashMap::new();
    for (index, id) in reported.chain(loose) {
        let (commit, directory) = group(&id.origin);
        let key = (commit.map(str::to_owned), directory.to_path_buf(), id.rule);
        candidates.entry(key).or_default().push((index, id));
    }
    let mut absorbed = vec![false; findings.len()];
    for index in seeking {
        let finding = &findings[index];
        let Some(with) = wanted(finding.rule) else {
            continue;
        };
        let (commit, directory) = group(&finding.origin);
        let key = (commit.map(str::to_owned), directory.to_path_buf(), with);
        let Some(ids) = candidates.get(&key) else {
            continue;
        };
        let Some(chosen) = ids
            .iter()
            .filter(|(_, id)| id.origin.path() != finding.origin.path())
            .min_by(|(_, a), (_, b)| (a.origin.path(), a.start).cmp(&(b.origin.path(), b.start)))
        else {
            continue;
        };
        if ids.iter().any(|(_, id)| id.value != chosen.1.value) {
            continue;
        }
        let (reported, id) = chosen;
        if let Some(reported) = reported {
            absorbed[*reported] = true;
        }
        let finding = &mut findings[index];
        finding.confidence = Confidence::High;
        finding.pair = Some(PairedFinding {
            rule: id.rule,
            origin: Some(id.origin.clone()),
            start: id.start,
            end: id.end,
            value: id.value.clone(),
        });
    }
    let mut index = 0;
    findings.retain(|_| {
        index += 1;
        !absorbed[index - 1]
    });
}
