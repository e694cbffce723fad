//! Text helpers every layer shares: positions in a blob (lines, columns, line bounds)
//! and escaping untrusted text for a terminal. A leaf: it imports nothing of keyscan.

mod escape;
mod position;

pub use escape::{printable, printable_message, without_values};
pub use position::{LineCursor, Position, line_bounds, line_of, next_line, positions};
