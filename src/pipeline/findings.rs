//! The engine's matches made findings: those in the blob itself, and those in its
//! decoded views, mapped back to where they stand in the blob.

use std::ops::Range;

use crate::decode::View;
use crate::engine::{Engine, Match, PairedId, specificity};
use crate::finding::{Finding, Origin, PairedFinding, context_line, line_hash, number_line_hashes};
use crate::rules::Rule;
use crate::text::{LineCursor, Position, positions};

/// A match located in the blob, with the values it found: a view's are decoded, so
/// they differ from the blob's bytes at the match.
#[derive(Debug)]
pub(super) struct Hit {
    /// Rule, blob ranges and positions.
    pub(super) found: Match,
    /// The secret's value.
    pub(super) secret: String,
    /// The paired identifier's value.
    pub(super) identifier: Option<String>,
    /// The view it was found in, if not the blob itself.
    pub(super) view: Option<&'static str>,
}

impl Hit {
    /// A match in `data` itself.
    pub(super) fn raw(data: &[u8], found: Match) -> Hit {
        let value =
            |range: &Range<usize>| String::from_utf8_lossy(&data[range.clone()]).into_owned();
        Hit {
            secret: value(&found.secret),
            identifier: found.pair.as_ref().map(|pair| value(&pair.secret)),
            found,
            view: None,
        }
    }
}

/// What `engine` finds in `views` of `data` beyond `covered` (the blob's own matches).
/// Where a match's secret, mapped back, overlaps another's, the more specific stays,
/// as in the blob itself: higher confidence (paired counts as high), then higher
/// severity; on a tie, the one found first (the blob's own before a view's). A blob
/// match that a view's pair absorbed as its identifier is taken out of `covered`, as
/// the engine would have done had both halves been in the blob.
pub(super) fn view_hits(
    engine: &Engine,
    data: &[u8],
    views: &[View],
    covered: &mut Vec<Match>,
) -> Vec<Hit> {
    let rules = engine.rules();
    let rank = |found: &Match| specificity(&rules[found.rule], found.pair.is_some());
    // Whether `other` keeps `secret` (of `rule`, ranked `ranked`) out: the same rule
    // there, or a match at least as specific (an identifier kept only for pairing
    // keeps out nothing of another rule).
    let keeps_out = |other: &Match, rule: usize, secret: &Range<usize>, ranked| {
        other.secret.start < secret.end
            && secret.start < other.secret.end
            && (other.rule == rule || (!other.loose && rank(other) >= ranked))
    };
    let mut hits: Vec<Hit> = Vec::new();
    for view in views {
        for found in engine.scan(&view.text) {
            let to_blob = |range: &Range<usize>| view.to_blob(range.start)..view.to_blob(range.end);
            let secret = to_blob(&found.secret);
            let ranked = rank(&found);
            if covered
                .iter()
                .chain(hits.iter().map(|hit| &hit.found))
                .any(|other| keeps_out(other, found.rule, &secret, ranked))
            {
                continue;
            }
            // Less specific matches of other rules give way to it.
            let outranked = |other: &Match| {
                !found.loose
                    && other.secret.start < secret.end
                    && secret.start < other.secret.end
                    && rank(other) < ranked
            };
            covered.retain(|other| !outranked(other));
            hits.retain(|hit| !outranked(&hit.found));
            let value = |range: &Range<usize>| {
                String::from_utf8_lossy(&view.text[range.clone()]).into_owned()
            };
            hits.push(Hit {
                secret: value(&found.secret),
                identifier: found.pair.as_ref().map(|pair| value(&pair.secret)),
                found: Match {
                    loose: found.loose,
                    rule: found.rule,
                    pair: found.pair.as_ref().map(|pair| PairedId {
                        rule: pair.rule,
                        secret: to_blob(&pair.secret),
                        start: Position::default(),
                        end: Position::default(),
                    }),
                    secret,
                    start: Position::default(),
                    end: Position::default(),
                },
                view: Some(view.name),
            });
        }
    }
    let absorbed = |found: &Match| {
        hits.iter()
            .filter_map(|hit| hit.found.pair.as_ref())
            .any(|pair| {
                pair.rule == found.rule
                    && pair.secret.start < found.secret.end
                    && found.secret.start < pair.secret.end
            })
    };
    covered.retain(|found| found.pair.is_some() || !absorbed(found));
    locate(data, &mut hits);
    hits
}

/// Sets the positions of `hits`' blob ranges in `data`, in one pass over it.
fn locate(data: &[u8], hits: &mut [Hit]) {
    let mut offsets: Vec<usize> = hits
        .iter()
        .flat_map(|hit| {
            let pair = hit.found.pair.as_ref().map(|pair| pair.secret.clone());
            [hit.found.secret.start, hit.found.secret.end]
                .into_iter()
                .chain(pair.into_iter().flat_map(|range| [range.start, range.end]))
        })
        .collect();
    offsets.sort_unstable();
    offsets.dedup();
    let found = positions(data, &offsets);
    let at = |offset: usize| found[offsets.partition_point(|&o| o < offset)];
    for hit in hits {
        hit.found.start = at(hit.found.secret.start);
        hit.found.end = at(hit.found.secret.end);
        if let Some(pair) = &mut hit.found.pair {
            pair.start = at(pair.secret.start);
            pair.end = at(pair.secret.end);
        }
    }
}

/// The findings of one blob from the engine's matches in it (in position order).
pub fn findings_of(
    rules: &[Rule],
    origin: &Origin,
    data: &[u8],
    matches: Vec<Match>,
) -> Vec<Finding> {
    let hits = matches
        .into_iter()
        .map(|found| Hit::raw(data, found))
        .collect();
    build(rules, origin, data, hits, &[])
}

/// The findings of `hits` in `data` (in position order). `chain` names the decodings
/// that made `data` of the blob (archives, UTF-16), outermost first; a hit's view, if
/// any, ends its `decoded_from`.
pub(super) fn build(
    rules: &[Rule],
    origin: &Origin,
    data: &[u8],
    hits: Vec<Hit>,
    chain: &[&str],
) -> Vec<Finding> {
    // Every secret and identifier of the blob, for context lines to redact.
    let mut spans: Vec<Range<usize>> = hits
        .iter()
        .flat_map(|hit| {
            std::iter::once(hit.found.secret.clone())
                .chain(hit.found.pair.as_ref().map(|pair| pair.secret.clone()))
        })
        .collect();
    spans.sort_by_key(|span| span.start);
    // Hits come in position order: each line's bounds are found once.
    let mut lines = LineCursor::new(data);
    let mut findings: Vec<Finding> = hits
        .into_iter()
        .map(|hit| {
            let Hit {
                found,
                secret,
                identifier,
                view,
            } = hit;
            let links: Vec<&str> = chain.iter().copied().chain(view).collect();
            let decoded_from = (!links.is_empty()).then(|| links.join(":"));
            let line = lines.line(found.secret.start);
            let rule = &rules[found.rule];
            let pair = found
                .pair
                .zip(identifier)
                .map(|(pair, value)| PairedFinding {
                    rule: pair.rule,
                    origin: None,
                    start: pair.start,
                    end: pair.end,
                    value,
                });
            let (confidence, _) = specificity(rule, pair.is_some());
            Finding {
                rule: found.rule,
                origin: origin.clone(),
                start: found.start,
                end: found.end,
                severity: rule.severity,
                confidence,
                fingerprint: String::new(),
                marker_prefixes: Vec::new(),
                context: context_line(data, line.clone(), found.secret.clone(), &spans),
                line_hash: line_hash(data, line, found.secret),
                secret,
                pair,
                decoded_from,
                repository: None,
                verification: None,
            }
        })
        .collect();
    number_line_hashes(&mut findings);
    findings
}
