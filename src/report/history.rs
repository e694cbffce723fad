//! The fields a finding from git history adds to the machine-readable reports, named
//! once for both: JSON spells them in snake case, SARIF properties in camel case.

use serde_json::{Value, json};

use crate::finding::Origin;

/// One field: its JSON name, its SARIF property name, and its value.
pub(super) type Field = (&'static str, &'static str, Value);

/// What `origin` says about history: the commit (or tag), whether the content is
/// gone from `HEAD`, the blob and where it was last seen; nothing for a file.
pub(super) fn fields(origin: &Origin) -> Vec<Field> {
    let mut fields = Vec::new();
    match origin {
        Origin::GitBlob {
            commit,
            history_only,
            blob,
            last_seen,
            ..
        } => {
            fields.push(("commit", "commit", json!(commit.as_ref())));
            fields.push(("history_only", "historyOnly", json!(history_only)));
            fields.push(("blob", "blob", json!(blob)));
            if let Some(seen) = last_seen {
                fields.push(("last_seen", "lastSeen", json!(seen)));
            }
        }
        Origin::GitMessage { commit, tag, .. } => {
            fields.push(("commit", "commit", json!(commit.as_ref())));
            if let Some(tag) = tag {
                fields.push(("tag", "tag", json!(tag)));
            }
        }
        Origin::File { .. } | Origin::Staged { .. } => {}
    }
    fields
}
