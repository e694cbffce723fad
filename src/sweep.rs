//! A scan of several repositories in one run, joined into one outcome. Each
//! repository is scanned as it would be alone, with its own configuration and so its
//! own rule set; joining gives the report one rule list, each finding the index of its
//! repository, and each repository a summary. A repository that could not be scanned
//! at all is one of them too, incomplete, so that the others still count.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::finding::Finding;
use crate::outcome::{Level, Note, Outcome, Repository};
use crate::rules::Rule;

/// The repositories scanned so far, joined.
#[derive(Default)]
pub struct Sweep {
    rules: Vec<Rule>,
    by_id: HashMap<String, usize>,
    outcome: Outcome,
}

impl Sweep {
    /// An empty sweep.
    pub fn new() -> Sweep {
        Sweep::default()
    }

    /// Adds the scan of the repository given as `path`, which ran with `rules`. Its
    /// findings' rule indices are remapped to the joined list: a rule is listed once
    /// by id, as the first repository that has it defines it.
    pub fn add(&mut self, path: PathBuf, rules: &[Rule], outcome: Outcome) {
        let index = self.outcome.repositories.len();
        let joined: Vec<usize> = rules.iter().map(|rule| self.rule_index(rule)).collect();
        let mut findings = outcome.findings;
        for finding in &mut findings {
            finding.rule = joined[finding.rule];
            if let Some(pair) = &mut finding.pair {
                pair.rule = joined[pair.rule];
            }
            finding.repository = Some(index);
        }
        let incomplete = outcome.notes.iter().any(|note| note.level == Level::Error);
        let notes = outcome.notes.into_iter().map(|note| Note {
            path: path.join(&note.path),
            ..note
        });
        self.outcome.notes.extend(notes);
        self.outcome.stats.add(&outcome.stats);
        self.outcome.stats.elapsed += outcome.stats.elapsed;
        for (mechanism, count) in outcome.suppressed {
            *self.outcome.suppressed.entry(mechanism).or_default() += count;
        }
        self.outcome.shard = self.outcome.shard.or(outcome.shard);
        let root = outcome.roots.into_iter().next();
        self.outcome.roots.extend(root.clone());
        self.outcome.repositories.push(Repository {
            path,
            root,
            provenance: outcome.provenance,
            stats: outcome.stats,
            findings: findings.len(),
            incomplete,
        });
        self.outcome.findings.extend(findings);
    }

    /// Adds the repository given as `path`, which could not be scanned for `reason`: an
    /// error note, and an incomplete summary.
    pub fn add_failed(&mut self, path: PathBuf, reason: String) {
        self.outcome.notes.push(Note {
            level: Level::Error,
            path: path.clone(),
            message: format!("not scanned: {reason}"),
        });
        self.outcome.repositories.push(Repository {
            path,
            root: None,
            provenance: None,
            stats: Default::default(),
            findings: 0,
            incomplete: true,
        });
    }

    /// The joined rule list and outcome, findings by repository and then as one scan
    /// orders them, notes errors first.
    pub fn finish(self) -> (Vec<Rule>, Outcome) {
        let mut outcome = self.outcome;
        outcome.findings.sort_by(Finding::report_order);
        outcome
            .notes
            .sort_by(|a, b| (b.level, &a.path, &a.message).cmp(&(a.level, &b.path, &b.message)));
        (self.rules, outcome)
    }

    /// The index of `rule` in the joined list, adding it when no rule of its id is
    /// there yet.
    fn rule_index(&mut self, rule: &Rule) -> usize {
        if let Some(&index) = self.by_id.get(&rule.id) {
            return index;
        }
        let index = self.rules.len();
        self.rules.push(rule.clone());
        self.by_id.insert(rule.id.clone(), index);
        index
    }
}
