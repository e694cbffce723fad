//! The finding model every stage after the engine shares: a secret, where it was
//! seen ([`Origin`]), and its identities (fingerprint, line hash). It sits at the
//! bottom of the crate: sources make origins, the pipeline makes findings, filters
//! and reports read them.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::rules::{Confidence, Severity};
use crate::text::{Position, redact};

/// A secret found in a blob, ready for reporting.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// Where the blob was seen.
    pub origin: Origin,
    /// Start of the secret.
    pub start: Position,
    /// End of the secret (exclusive column).
    pub end: Position,
    /// Impact, from the rule.
    pub severity: Severity,
    /// The rule's confidence, raised to high when the secret is paired with its identifier.
    pub confidence: Confidence,
    /// The secret itself; printed only with `--show-secrets`.
    pub secret: String,
    /// Stable identity from rule id and secret, independent of where it is
    /// ([`crate::fingerprint`]). Made for all the findings a scan keeps at once, after
    /// they are collected: empty until then.
    pub fingerprint: String,
    /// Fingerprint prefixes that allow markers on the finding's line (or the line
    /// above) name: the finding is allowed if its fingerprint starts with one.
    pub marker_prefixes: Vec<String>,
    /// A hash of the finding's line with the secret blanked, plus `:occurrence`, as
    /// GitHub's `primaryLocationLineHash` expects.
    pub line_hash: String,
    /// The secret's line as human output shows it: redacted ([`context_line`]).
    pub context: String,
    /// The identifier this secret was found with.
    pub pair: Option<PairedFinding>,
    /// How the text the secret is in was decoded from the blob, outermost first
    /// (`utf-16le`, `zip:gzip:tar:base64`); `None` when it was found in the blob's
    /// bytes as they are.
    pub decoded_from: Option<String>,
    /// In a scan of several repositories, the index of this finding's in the outcome's
    /// `repositories`; `None` in a scan of one.
    pub repository: Option<usize>,
    /// What the provider said of the secret, when `--verify` asked it.
    pub verification: Option<Verification>,
}

/// What asking the provider (`--verify`) said of a finding's secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The verdict.
    pub liveness: Liveness,
    /// Why, in words: the provider's answer (`HTTP 401`), or what went wrong. Never
    /// holds the secret.
    pub detail: String,
}

/// Whether a secret still works, as its provider answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Liveness {
    /// The provider accepted it: revoke it now.
    Live,
    /// The provider refused it as unknown, revoked or expired.
    Invalid,
    /// No verifier for its rule, or an answer that proves neither.
    Unknown,
    /// The question could not be asked or answered: network, timeout, rate limit.
    Error,
}

impl Liveness {
    /// The name reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            Liveness::Live => "live",
            Liveness::Invalid => "invalid",
            Liveness::Unknown => "unknown",
            Liveness::Error => "error",
        }
    }
}

/// The identifier half of a paired finding (an access key ID, an API key's name),
/// located in the same blob as the secret or in another file of its directory.
#[derive(Debug, Clone)]
pub struct PairedFinding {
    /// Index of the identifier rule.
    pub rule: usize,
    /// Where the identifier was seen when not in the secret's blob.
    pub origin: Option<Origin>,
    /// Where the identifier starts.
    pub start: Position,
    /// Where the identifier ends (exclusive column).
    pub end: Position,
    /// The identifier's value; printed only with `--show-secrets`.
    pub value: String,
}

/// What a located half of a finding is to its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The secret itself: the half that must be revoked.
    Secret,
    /// The identifier the secret is used with (an access key ID, an application key).
    Identifier,
}

impl Role {
    /// The name reports use.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Secret => "secret",
            Role::Identifier => "identifier",
        }
    }
}

/// One located half of a finding, as reports list them: the secret first, then the
/// identifier of a pair.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    /// What this half is.
    pub role: Role,
    /// Index of the rule that found it.
    pub rule: usize,
    /// The blob it is in.
    pub origin: &'a Origin,
    /// Where it starts.
    pub start: Position,
    /// Where it ends (exclusive column).
    pub end: Position,
    /// Its value; printed only with `--show-secrets`.
    pub value: &'a str,
}

/// Where a blob was seen: one variant per kind of source, so that a new source adds a
/// variant rather than optional fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file of a directory tree.
    File {
        /// The path as the user will recognise it (relative to the working directory
        /// when the scanned root was given relative).
        path: PathBuf,
        /// The path relative to the scanned root it was found under.
        relative: PathBuf,
    },
    /// A blob of git history, at the commit and path that introduced it.
    GitBlob {
        /// The path in the commit's tree.
        path: PathBuf,
        /// The commit that introduced this content at this path.
        commit: Arc<CommitInfo>,
        /// The content is no longer in the tree of `HEAD`.
        history_only: bool,
        /// The blob's id, in hex.
        blob: String,
        /// Where the blob is in the newest commit that has it, when that was worked out
        /// (for the blobs of findings).
        last_seen: Option<LastSeen>,
    },
    /// The message of a commit or an annotated tag in history.
    GitMessage {
        /// How reports name the place: `commit message` or `tag message`.
        label: PathBuf,
        /// The commit (or, for a tag, the tag object and its tagger).
        commit: Arc<CommitInfo>,
        /// The tag's name, for an annotated tag's message.
        tag: Option<String>,
    },
    /// A file as it is staged for commit (or named to `keyscan staged`).
    Staged {
        /// The path relative to the working tree.
        path: PathBuf,
    },
}

impl Origin {
    /// The path as reports show it.
    pub fn path(&self) -> &Path {
        match self {
            Origin::File { path, .. } | Origin::GitBlob { path, .. } | Origin::Staged { path } => {
                path
            }
            Origin::GitMessage { label, .. } => label,
        }
    }

    /// The path relative to what was scanned: the scanned root, the repository.
    pub fn relative(&self) -> &Path {
        match self {
            Origin::File { relative, .. } => relative,
            Origin::GitBlob { path, .. } | Origin::Staged { path } => path,
            Origin::GitMessage { label, .. } => label,
        }
    }

    /// Where a member of the archive seen here was seen: `archive!member`, with the
    /// archive's commit when it is in history.
    pub fn member(&self, member: &str) -> Origin {
        let inner = |path: &Path| PathBuf::from(format!("{}!{member}", path.display()));
        match self {
            Origin::File { path, relative } => Origin::File {
                path: inner(path),
                relative: inner(relative),
            },
            Origin::GitBlob {
                path,
                commit,
                history_only,
                blob,
                last_seen,
            } => Origin::GitBlob {
                path: inner(path),
                commit: Arc::clone(commit),
                history_only: *history_only,
                blob: blob.clone(),
                last_seen: last_seen.as_ref().map(|seen| LastSeen {
                    path: inner(&seen.path),
                    commit: seen.commit.clone(),
                }),
            },
            Origin::Staged { path } => Origin::Staged { path: inner(path) },
            Origin::GitMessage { .. } => self.clone(),
        }
    }

    /// For a blob of history: the commit that introduced it; for a message, its commit
    /// or tag.
    pub fn commit(&self) -> Option<&CommitInfo> {
        match self {
            Origin::GitBlob { commit, .. } | Origin::GitMessage { commit, .. } => Some(commit),
            Origin::File { .. } | Origin::Staged { .. } => None,
        }
    }
}

impl Finding {
    /// The located halves of this finding: the secret, then its identifier if paired.
    pub fn parts(&self) -> impl Iterator<Item = Part<'_>> {
        let secret = Part {
            role: Role::Secret,
            rule: self.rule,
            origin: &self.origin,
            start: self.start,
            end: self.end,
            value: &self.secret,
        };
        let identifier = self.pair.as_ref().map(|pair| Part {
            role: Role::Identifier,
            rule: pair.rule,
            origin: pair.origin.as_ref().unwrap_or(&self.origin),
            start: pair.start,
            end: pair.end,
            value: &pair.value,
        });
        std::iter::once(secret).chain(identifier)
    }

    /// The order reports list findings in: by repository (in a scan of several), path,
    /// position and rule, then (for two versions of a file in history) by commit and
    /// secret, so that the order does not depend on which thread found what first.
    pub fn report_order(&self, other: &Finding) -> Ordering {
        type Key<'a> = (Option<usize>, &'a Path, Position, usize, Option<usize>);
        fn key(finding: &Finding) -> Key<'_> {
            let commit = finding.origin.commit().map(|commit| commit.order);
            let path = finding.origin.path();
            (
                finding.repository,
                path,
                finding.start,
                finding.rule,
                commit,
            )
        }
        key(self)
            .cmp(&key(other))
            .then_with(|| self.fingerprint.cmp(&other.fingerprint))
    }
}

/// The commit a blob was first seen in; serialized as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommitInfo {
    /// Full hexadecimal commit id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author e-mail address.
    pub email: String,
    /// Author date, ISO 8601 with the author's UTC offset.
    pub date: String,
    /// Position in the walk, oldest first: which of two commits came first.
    #[serde(skip)]
    pub order: usize,
    /// The references whose history holds this commit (branches first, at most
    /// [`MAX_REFS`]), where that was worked out: for the commits of findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
    /// More references hold it than `refs` lists.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub more_refs: bool,
    /// The commit is at the boundary of a shallow clone: what it seems to introduce
    /// may have been introduced by an older commit the clone does not have.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub shallow_boundary: bool,
}

/// Most references a commit lists ([`CommitInfo::refs`]).
pub const MAX_REFS: usize = 10;

/// The newest commit of history that still has a blob, and the blob's path there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LastSeen {
    /// The path in that commit's tree.
    pub path: PathBuf,
    /// Full hexadecimal commit id.
    pub commit: String,
}

/// Bytes of the line on each side of a secret that its line hash covers: the whole of
/// an ordinary line, and a bounded part of a minified one, which may hold thousands of
/// findings.
const LINE_HASH_CONTEXT: usize = 256;

/// Hash of the whitespace-trimmed `line` around `secret` (up to [`LINE_HASH_CONTEXT`]
/// bytes each side), with the secret itself left out. [`number_line_hashes`] then
/// tells apart findings whose lines hash alike.
pub fn line_hash(data: &[u8], line: Range<usize>, secret: Range<usize>) -> String {
    let start = line
        .start
        .max(secret.start.saturating_sub(LINE_HASH_CONTEXT));
    let before = data[start..secret.start].trim_ascii_start();
    let after_start = secret.end.min(line.end).max(secret.start);
    let after_end = line
        .end
        .max(secret.start)
        .min(after_start + LINE_HASH_CONTEXT);
    let after = &data[after_start..after_end];
    let mut hasher = Sha256::new();
    hasher.update(before);
    hasher.update([0]);
    hasher.update(after.trim_ascii_end());
    hex(&hasher.finalize()[..8])
}

/// Characters of a secret's line shown on each side of it.
const CONTEXT_REACH: usize = 48;

/// Shortest run of key-like characters that a context line masks.
const KEY_LIKE_RUN: usize = 12;

/// How far before a context line's start a secret may start and still reach into it
/// (a private key block is longer; one that long starts the line it is on).
const SPAN_LOOKBACK: usize = 4096;

/// The line `line` of `data` that `secret` starts on, as a report shows it: at most
/// [`CONTEXT_REACH`] bytes on each side of the secret (`…` where cut), the secret and
/// every range of `secrets` (sorted by start) on it (other findings, identifiers)
/// redacted, and any
/// other run that looks like a key (twelve or more characters of letters, digits and
/// `+/_.~-`, mixing letters and digits) masked, so that a line never shows a secret
/// keyscan did not recognise.
pub fn context_line(
    data: &[u8],
    line: Range<usize>,
    secret: Range<usize>,
    secrets: &[Range<usize>],
) -> String {
    let from = line.start.max(secret.start.saturating_sub(CONTEXT_REACH));
    let to = line
        .end
        .min(secret.end.max(secret.start).saturating_add(CONTEXT_REACH))
        .max(from);
    // Only the secrets starting near the excerpt: a minified line holds thousands.
    let first = secrets.partition_point(|span| span.start + SPAN_LOOKBACK < from);
    let last = secrets.partition_point(|span| span.start < to);
    let mut hidden: Vec<Range<usize>> = secrets[first..last.max(first)]
        .iter()
        .chain(std::iter::once(&secret))
        .filter(|span| span.start < to && from < span.end)
        .cloned()
        .collect();
    hidden.sort_by_key(|span| span.start);
    let mut text = String::new();
    if from > line.start {
        text.push('…');
    }
    let mut at = from;
    for span in hidden {
        if span.start < at {
            continue;
        }
        text.push_str(&mask_key_like(&data[at..span.start]));
        text.push_str(&redact(&String::from_utf8_lossy(&data[span.clone()])));
        at = span.end.min(to).max(span.start);
        if span.end > to {
            at = to;
            break;
        }
    }
    if at < to {
        text.push_str(&mask_key_like(&data[at..to]));
    }
    if to < line.end {
        text.push('…');
    }
    text
}

/// `bytes` as text with each run that looks like a key replaced by `****`.
fn mask_key_like(bytes: &[u8]) -> String {
    let key_like = |byte: &u8| byte.is_ascii_alphanumeric() || b"+/_.~-".contains(byte);
    let mut text = String::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let run = rest.iter().take_while(|byte| key_like(byte)).count().max(1);
        let (piece, after) = rest.split_at(run.min(rest.len()));
        let looks_like_key = piece.len() >= KEY_LIKE_RUN
            && piece.iter().any(u8::is_ascii_digit)
            && piece.iter().any(u8::is_ascii_alphabetic);
        if looks_like_key {
            text.push_str("****");
        } else {
            text.push_str(&String::from_utf8_lossy(piece));
        }
        rest = after;
    }
    text
}

/// Appends `:N` to each line hash: the Nth finding with that hash in one blob's
/// findings.
pub fn number_line_hashes(findings: &mut [Finding]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for finding in findings {
        let count = seen.entry(finding.line_hash.clone()).or_default();
        *count += 1;
        finding.line_hash = format!("{}:{count}", finding.line_hash);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_line_redacts_every_secret_and_masks_what_looks_like_one() {
        let data = b"AWS_KEY=AKIAFAKE23456789 AWS_SECRET=q7Vz2LmN9pR4tX8wK3jH5gF6dS1aZ0FAKE note=other7Value99xx\n";
        let line = 0..data.len() - 1;
        let text = std::str::from_utf8(data).unwrap();
        let secret = text.find("q7Vz").unwrap()..text.find(" note").unwrap();
        let id = 8..24;
        let shown = context_line(data, line, secret, &[id]);
        assert_eq!(
            shown,
            "AWS_KEY=AK******** AWS_SECRET=q7Vz******** note=****"
        );
        let long = format!(
            "{}token = \"ghp_q7Vz2LmN9pR4tX8wK3jH5gF6dS1aZ0\";{}",
            "x".repeat(100),
            " y".repeat(60)
        );
        let at = long.find("ghp_").unwrap();
        let end = at + "ghp_q7Vz2LmN9pR4tX8wK3jH5gF6dS1aZ0".len();
        let shown = context_line(long.as_bytes(), 0..long.len(), at..end, &[]);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("token = \"ghp_********\";"), "{shown}");
        assert!(!shown.contains("q7Vz2LmN"));
    }

    #[test]
    fn line_hash_ignores_indentation_and_the_secret_value() {
        let one = b"    token = 'abc123'\n";
        let two = b"token = 'zzz999'   \n";
        assert_eq!(line_hash(one, 0..20, 13..19), line_hash(two, 0..19, 9..15));
        assert_ne!(
            line_hash(one, 0..20, 13..19),
            line_hash(b"key = 'abc123'\n", 0..14, 7..13)
        );
    }

    #[test]
    fn line_hash_of_a_minified_line_covers_only_the_text_near_the_secret() {
        let mut line = "x".repeat(10_000).into_bytes();
        line.extend(b" k='abc123' ");
        line.extend("y".repeat(10_000).into_bytes());
        let secret = 10_004..10_010;
        let hash = line_hash(&line, 0..line.len(), secret.clone());
        let mut far_edit = line.clone();
        far_edit[0] = b'z';
        assert_eq!(hash, line_hash(&far_edit, 0..line.len(), secret.clone()));
        let mut near_edit = line.clone();
        near_edit[10_001] = b'j';
        assert_ne!(hash, line_hash(&near_edit, 0..line.len(), secret));
    }
}
