//! One Aho-Corasick automaton over every rule's keywords, and the markers of the
//! decoded views: decides which rules' patterns need to run on a blob, where, and
//! which views are worth making, in one pass.
//!
//! The pass is a walk of a DFA, one dependent table load per byte: its speed is the
//! latency of that load, not the number of keywords. The blob is therefore cut into
//! [`LANES`] parts walked in one loop, each with its own state, so that the loads of
//! different parts overlap.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

use crate::rules::Rule;

/// Parts of a blob walked side by side (the walk is written out for four).
const LANES: usize = 4;

/// Lanes shorter than this (or than twice the longest keyword) are not worth cutting.
const MIN_LANE: usize = 256;

/// Maps keyword occurrences in a blob to the rules whose patterns must run (and
/// marker occurrences to the markers found, numbered after the rules).
#[derive(Debug, Clone)]
pub struct Prefilter {
    /// Every occurrence of every keyword, ASCII case-insensitively (standard
    /// semantics: a match state names every keyword ending there).
    automaton: DFA,
    /// For each keyword, the slots (rules, then markers) it stands for.
    slots_of_keyword: Vec<Vec<usize>>,
    /// Rules and markers together.
    slot_count: usize,
}

/// One keyword occurrence: the keyword's index and its byte range in the blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Index of the keyword in the prefilter.
    pub keyword: usize,
    /// Where it is in the blob.
    pub span: Range<usize>,
}

impl Prefilter {
    /// Builds the automaton over the keywords of `rules` and over `markers`, marker
    /// `i` standing for slot `rules.len() + i` (ASCII case-insensitive).
    pub fn new(rules: &[Rule], markers: &[&str]) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut slots_of_keyword: Vec<Vec<usize>> = Vec::new();
        let mut index_of: HashMap<String, usize> = HashMap::new();
        let slots = rules
            .iter()
            .map(|rule| rule.keywords.iter().map(String::as_str).collect::<Vec<_>>())
            .chain(markers.iter().map(|marker| vec![*marker]));
        for (slot, slot_keywords) in slots.enumerate() {
            for keyword in slot_keywords {
                let keyword = keyword.to_ascii_lowercase();
                match index_of.get(&keyword) {
                    Some(&known) => slots_of_keyword[known].push(slot),
                    None => {
                        index_of.insert(keyword.clone(), keywords.len());
                        keywords.push(keyword);
                        slots_of_keyword.push(vec![slot]);
                    }
                }
            }
        }
        for slots in &mut slots_of_keyword {
            slots.sort_unstable();
            slots.dedup();
        }
        // No prefilter: with hundreds of keywords it would rarely skip a byte, and it
        // makes the start state special, which costs a branch on every byte.
        let automaton = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            .prefilter(false)
            .build(&keywords)
            .expect("keywords are validated ASCII literals");
        Prefilter {
            automaton,
            slots_of_keyword,
            slot_count: rules.len() + markers.len(),
        }
    }

    /// Every keyword occurrence in `haystack`, ordered by where it ends.
    pub fn occurrences(&self, haystack: &[u8]) -> Vec<Occurrence> {
        let mut found = Vec::new();
        let lane_len = haystack.len().div_ceil(LANES);
        let lead = self.automaton.max_pattern_len().saturating_sub(1);
        if lane_len < MIN_LANE.max(2 * lead) {
            self.walk_one(haystack, 0, self.start(), &mut found);
            return found;
        }
        // Lane `k` owns the occurrences ending in `k * lane_len ..`; it starts early by
        // the longest keyword less one byte, so that it also sees those that begin in
        // the lane before.
        let owned: [usize; LANES] = std::array::from_fn(|k| k * lane_len);
        let from: [usize; LANES] = std::array::from_fn(|k| owned[k].saturating_sub(lead));
        let to: [usize; LANES] = std::array::from_fn(|k| ((k + 1) * lane_len).min(haystack.len()));
        let steps = (0..LANES)
            .map(|k| to[k].saturating_sub(from[k]))
            .min()
            .unwrap_or(0);
        let mut states = [self.start(); LANES];
        let mut lanes: [Vec<Occurrence>; LANES] = Default::default();
        let parts: [&[u8]; LANES] = std::array::from_fn(|k| &haystack[from[k]..from[k] + steps]);
        let mut step = 0;
        while step < steps {
            // The hot loop calls nothing, so its state stays in registers; it stops
            // after a step that entered a match state in any lane (rare).
            step = self.walk_until_special(&parts, &mut states, step);
            for k in 0..LANES {
                if self.automaton.is_special(states[k]) && from[k] + step > owned[k] {
                    self.record(states[k], from[k] + step, &mut lanes[k]);
                }
            }
        }
        for (k, lane) in lanes.iter_mut().enumerate() {
            let at = from[k] + steps;
            if at < to[k] {
                let mut rest = Vec::new();
                self.walk_one(&haystack[..to[k]], at, states[k], &mut rest);
                lane.extend(rest.into_iter().filter(|found| found.span.end > owned[k]));
            }
        }
        for lane in lanes {
            found.extend(lane);
        }
        found
    }

    /// The slots the `occurrences` stand for, in order: rules first, then markers.
    pub fn slots(&self, occurrences: &[Occurrence]) -> Vec<usize> {
        let mut hit = vec![false; self.slot_count];
        for occurrence in occurrences {
            for &slot in &self.slots_of_keyword[occurrence.keyword] {
                hit[slot] = true;
            }
        }
        hit.iter()
            .enumerate()
            .filter(|(_, hit)| **hit)
            .map(|(index, _)| index)
            .collect()
    }

    /// The slots (rules, then markers) the keyword at `keyword` stands for, in order.
    pub fn slots_of(&self, keyword: usize) -> &[usize] {
        &self.slots_of_keyword[keyword]
    }

    /// Steps the four lanes from `step` until one enters a special state or the
    /// parts end; returns the number of steps taken in all.
    fn walk_until_special(
        &self,
        parts: &[&[u8]; LANES],
        states: &mut [StateID; LANES],
        mut step: usize,
    ) -> usize {
        let dfa = &self.automaton;
        let [a, b, c, d] = *parts;
        let steps = a.len().min(b.len()).min(c.len()).min(d.len());
        let [mut sa, mut sb, mut sc, mut sd] = *states;
        while step < steps {
            sa = dfa.next_state(Anchored::No, sa, a[step]);
            sb = dfa.next_state(Anchored::No, sb, b[step]);
            sc = dfa.next_state(Anchored::No, sc, c[step]);
            sd = dfa.next_state(Anchored::No, sd, d[step]);
            step += 1;
            if dfa.is_special(sa) | dfa.is_special(sb) | dfa.is_special(sc) | dfa.is_special(sd) {
                break;
            }
        }
        *states = [sa, sb, sc, sd];
        step
    }

    fn start(&self) -> StateID {
        self.automaton
            .start_state(Anchored::No)
            .expect("the automaton is built for unanchored searches")
    }

    /// Walks `haystack[from..]` from `state`, one byte at a time.
    fn walk_one(
        &self,
        haystack: &[u8],
        from: usize,
        mut state: StateID,
        found: &mut Vec<Occurrence>,
    ) {
        for (at, &byte) in haystack.iter().enumerate().skip(from) {
            state = self.automaton.next_state(Anchored::No, state, byte);
            if self.automaton.is_special(state) {
                self.record(state, at + 1, found);
            }
        }
    }

    /// Records the keywords a special `state` entered just before `end` matches.
    fn record(&self, state: StateID, end: usize, found: &mut Vec<Occurrence>) {
        if !self.automaton.is_match(state) {
            return;
        }
        for index in 0..self.automaton.match_len(state) {
            let keyword = self.automaton.match_pattern(state, index);
            found.push(Occurrence {
                keyword: keyword.as_usize(),
                span: end - self.automaton.pattern_len(keyword)..end,
            });
        }
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

    fn slots(filter: &Prefilter, haystack: &[u8]) -> Vec<usize> {
        filter.slots(&filter.occurrences(haystack))
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
        assert_eq!(slots(&filter, b"X-TC-AUTHENTICATION-ID: 1"), vec![0, 1]);
        assert_eq!(slots(&filter, b"..abcd.."), vec![2, 3]);
        assert_eq!(slots(&filter, b"authentication"), vec![0]);
        assert_eq!(slots(&filter, b"none of them"), Vec::<usize>::new());
    }

    #[test]
    fn lanes_find_every_occurrence_once_even_across_their_borders() {
        let filter = prefilter(&[&["secret_key"], &["key"]]);
        let mut haystack = vec![b'.'; 4 * MIN_LANE * 3 + 7];
        let lane_len = haystack.len().div_ceil(LANES);
        // A keyword across each border between lanes, one at each end, one inside.
        let mut planted = vec![0, haystack.len() - 10, 1234];
        planted.extend((1..LANES).map(|k| k * lane_len - 4));
        for &at in &planted {
            haystack[at..at + 10].copy_from_slice(b"SECRET_KEY");
        }
        planted.sort_unstable();
        let found = filter.occurrences(&haystack);
        let whole: Vec<Range<usize>> = found
            .iter()
            .filter(|found| found.keyword == 0)
            .map(|found| found.span.clone())
            .collect();
        let expected: Vec<Range<usize>> = planted.iter().map(|&at| at..at + 10).collect();
        assert_eq!(whole, expected);
        let inner = found.iter().filter(|found| found.keyword == 1).count();
        assert_eq!(inner, planted.len(), "the key inside each, once");
        assert!(
            found
                .windows(2)
                .all(|pair| pair[0].span.end <= pair[1].span.end)
        );
    }
}
