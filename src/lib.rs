//! keyscan finds hard-coded credentials in source trees and reports them as text,
//! JSON or SARIF.
//!
//! Data flows one way: a [`source`] reads blobs, the pure [`engine`] matches
//! [`rules`] against their bytes, [`scan`] turns matches into findings with counts
//! and notes, and [`report`] formats the outcome.

pub mod baseline;
pub mod config;
pub mod engine;
pub mod hook;
pub mod progress;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;
