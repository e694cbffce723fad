//! keyscan finds hard-coded credentials in source trees and git history and reports
//! them as text, JSON or SARIF.
//!
//! Data flows one way, and the modules are layered the same way:
//!
//! ```text
//! source ─► blob ─► engine ─► matches ─► findings ─► filter ─► outcome ─► report
//! ```
//!
//! - [`text`], [`rules`], [`decode`]: leaves. Positions and escaping; the rule schema
//!   and loading; pure views of a blob (UTF-16 transcoded).
//! - [`finding`], [`outcome`]: the model every later stage shares.
//! - [`shard`]: which part of a scan split over several machines this run is.
//! - [`engine`]: pure matching of [`rules`] against bytes (no I/O).
//! - [`source`]: all I/O that yields blobs with their [`finding::Origin`].
//! - [`filter`]: allowlists, inline markers, minimum severity, baseline.
//! - [`pipeline`]: one [`pipeline::scan`] of a [`pipeline::Source`] into an
//!   [`outcome::Outcome`].
//! - [`sweep`]: the scans of several repositories joined into one outcome.
//! - [`verify`]: opt-in, asks providers whether found secrets still work.
//! - [`report`]: formats an outcome; imports only the model.
//! - [`merge`]: joins reports (the parts of a split scan) into one.
//! - [`gitleaks`]: a gitleaks configuration translated into keyscan's own.
//! - [`config`], [`hook`]: the configuration file and the plain git hook.
//! - [`user_config`]: the user's own settings, which no scanned repository can set.
//! - [`error`]: the one error type.

pub mod config;
pub mod decode;
pub mod engine;
pub mod error;
pub mod files;
pub mod filter;
pub mod finding;
pub mod fingerprint;
pub mod gitleaks;
pub mod hook;
pub mod merge;
pub mod outcome;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod shard;
pub mod source;
pub mod sweep;
pub mod text;
pub mod user_config;
pub mod verify;

pub use error::Error;
