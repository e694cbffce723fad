//! One Aho-Corasick automaton over every rule's keywords: decides which rules'
//! patterns need to run on a blob.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

use crate::rules::Rule;

/// Maps keyword hits in a blob to the set of rules whose patterns must run.
///
/// The search is leftmost-longest and restarts one byte after each hit's start, so it
/// finds the longest keyword at every position where any keyword starts. Each keyword
/// also stands for every keyword it contains, so the rules of shorter keywords hidden
/// inside a longer hit are marked too: the result is exactly the rules with at least
/// one keyword in the blob, at the speed of a non-overlapping search.
#[derive(Debug, Clone)]
pub struct Prefilter {
    automaton: AhoCorasick,
    /// For each keyword, the rules of that keyword and of every keyword inside it.
    rules_of_keyword: Vec<Vec<usize>>,
    rule_count: usize,
}

impl Prefilter {
    /// Builds the automaton over the keywords of `rules` (ASCII case-insensitive).
    pub fn new(rules: &[Rule]) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut direct: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match keywords.iter().position(|known| *known == keyword) {
                    Some(known) => direct[known].push(index),
                    None => {
                        keywords.push(keyword);
                        direct.push(vec![index]);
                    }
                }
            }
        }
        let rules_of_keyword = keywords
            .iter()
            .map(|outer| {
                let mut covered: Vec<usize> = keywords
                    .iter()
                    .zip(&direct)
                    // Keywords are short: comparing windows beats setting up a substring
                    // search for each of the (keywords squared) pairs at start-up.
                    .filter(|(inner, _)| {
                        outer
                            .as_bytes()
                            .windows(inner.len())
                            .any(|window| window == inner.as_bytes())
                    })
                    .flat_map(|(_, rules)| rules.iter().copied())
                    .collect();
                covered.sort_unstable();
                covered.dedup();
                covered
            })
            .collect();
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
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
        let mut at = 0;
        while let Some(found) = self.automaton.find(Input::new(haystack).range(at..)) {
            for &rule in &self.rules_of_keyword[found.pattern().as_usize()] {
                if !hit[rule] {
                    hit[rule] = true;
                    remaining -= 1;
                }
            }
            if remaining == 0 {
                break;
            }
            at = found.start() + 1;
        }
        hit.iter()
            .enumerate()
            .filter(|(_, hit)| **hit)
            .map(|(index, _)| index)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parse_rule_file;

    fn prefilter(keywords: &[&[&str]]) -> Prefilter {
        let mut text = String::from("provider = \"T\"\n");
        for (index, words) in keywords.iter().enumerate() {
            let words: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
            text.push_str(&format!(
                "[[rules]]\nid = \"r{index}\"\nname = \"n\"\ndescription = \"d\"\nseverity = \"low\"\n\
                 keywords = [{}]\npattern = '''(?P<secret>zz)'''\nexamples = [\"zz\"]\n\
                 counterexamples = [\"y\"]\n",
                words.join(", ")
            ));
        }
        Prefilter::new(parse_rule_file("t.toml", &text).unwrap().rules())
    }

    #[test]
    fn finds_every_rule_whose_keyword_occurs_even_inside_or_across_others() {
        // r0 "authentication", r1 "x-tc-authentication-id", r2 "abc", r3 "bcd", r4 "nothere"
        let filter = prefilter(&[
            &["authentication"],
            &["x-tc-authentication-id"],
            &["abc"],
            &["bcd"],
            &["nothere"],
        ]);
        assert_eq!(
            filter.candidate_rules(b"X-TC-AUTHENTICATION-ID: 1"),
            vec![0, 1]
        );
        assert_eq!(filter.candidate_rules(b"..abcd.."), vec![2, 3]);
        assert_eq!(filter.candidate_rules(b"authentication"), vec![0]);
        assert_eq!(filter.candidate_rules(b"none of them"), Vec::<usize>::new());
    }
}
