//! One Aho-Corasick automaton over every rule's keywords, and the markers of the
//! decoded views: decides which rules' patterns need to run on a blob, and which
//! views are worth making, in one pass.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};

use crate::rules::Rule;

/// Maps keyword hits in a blob to the set of rules whose patterns must run (and
/// marker hits to the markers found, numbered after the rules).
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
    /// Rules and markers together.
    slot_count: usize,
}

impl Prefilter {
    /// Builds the automaton over the keywords of `rules` and over `markers`, marker
    /// `i` standing for slot `rules.len() + i` (ASCII case-insensitive).
    pub fn new(rules: &[Rule], markers: &[&str]) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut direct: Vec<Vec<usize>> = Vec::new();
        let mut index_of: HashMap<String, usize> = HashMap::new();
        let slots = rules
            .iter()
            .map(|rule| rule.keywords.iter().map(String::as_str).collect::<Vec<_>>())
            .chain(markers.iter().map(|marker| vec![*marker]));
        for (index, slot_keywords) in slots.enumerate() {
            for keyword in slot_keywords {
                let keyword = keyword.to_ascii_lowercase();
                match index_of.get(&keyword) {
                    Some(&known) => direct[known].push(index),
                    None => {
                        index_of.insert(keyword.clone(), keywords.len());
                        keywords.push(keyword);
                        direct.push(vec![index]);
                    }
                }
            }
        }
        // Each keyword's substrings of a keyword's length are looked up among the
        // keywords (at most 256 bytes each): comparing every pair of 1,500 keywords took
        // most of start-up.
        let mut lengths: Vec<usize> = keywords.iter().map(String::len).collect();
        lengths.sort_unstable();
        lengths.dedup();
        let rules_of_keyword = keywords
            .iter()
            .map(|outer| {
                let outer = outer.as_bytes();
                let mut covered: Vec<usize> = lengths
                    .iter()
                    .take_while(|&&length| length <= outer.len())
                    .flat_map(|&length| outer.windows(length))
                    .filter_map(|inner| index_of.get(std::str::from_utf8(inner).ok()?))
                    .flat_map(|&inner| direct[inner].iter().copied())
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
            slot_count: rules.len() + markers.len(),
        }
    }

    /// The slots with at least one keyword in `haystack`, in order: rules first, then
    /// markers.
    pub fn slots(&self, haystack: &[u8]) -> Vec<usize> {
        let mut hit = vec![false; self.slot_count];
        let mut remaining = self.slot_count;
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
        Prefilter::new(parse_rule_file("t.toml", &text).unwrap().rules(), &[])
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
        assert_eq!(filter.slots(b"X-TC-AUTHENTICATION-ID: 1"), vec![0, 1]);
        assert_eq!(filter.slots(b"..abcd.."), vec![2, 3]);
        assert_eq!(filter.slots(b"authentication"), vec![0]);
        assert_eq!(filter.slots(b"none of them"), Vec::<usize>::new());
    }
}
