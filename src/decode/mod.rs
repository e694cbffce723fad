//! Views of a blob other than its raw bytes, for the engine to scan: pure functions,
//! no I/O. Today: UTF-16 text transcoded to UTF-8.

pub mod utf16;
