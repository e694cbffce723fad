//! One Aho-Corasick automaton over every rule's keywords: decides which rules'
//! patterns need to run on a blob.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::rules::Rule;

/// Maps keyword hits in a blob to the set of rules whose patterns must run.
#[derive(Debug, Clone)]
pub struct Prefilter {
    automaton: AhoCorasick,
    /// For each automaton pattern, the rules that listed that keyword.
    rules_of_keyword: Vec<Vec<usize>>,
    rule_count: usize,
}

impl Prefilter {
    /// Builds the automaton over the keywords of `rules` (ASCII case-insensitive).
    pub fn new(rules: &[Rule]) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of_keyword: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match keywords.iter().position(|known| *known == keyword) {
                    Some(known) => rules_of_keyword[known].push(index),
                    None => {
                        keywords.push(keyword);
                        rules_of_keyword.push(vec![index]);
                    }
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .expect("keywords are validated ASCII literals");
        Prefilter {
            automaton,
            rules_of_keyword,
            rule_count: rules.len(),
        }
    }

    /// The rules with at least one keyword in `haystack`, in rule order.
    pub fn candidate_rules(&self, haystack: &[u8]) -> Vec<usize> {
        let mut hit = vec![false; self.rule_count];
        let mut remaining = self.rule_count;
        for found in self.automaton.find_overlapping_iter(haystack) {
            for &rule in &self.rules_of_keyword[found.pattern().as_usize()] {
                if !hit[rule] {
                    hit[rule] = true;
                    remaining -= 1;
                }
            }
            if remaining == 0 {
                break;
            }
        }
        hit.iter()
            .enumerate()
            .filter(|(_, hit)| **hit)
            .map(|(index, _)| index)
            .collect()
    }
}
