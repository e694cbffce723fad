//! What a user sees if keyscan itself fails: one line naming the place in keyscan's
//! code, never the panic's message, which may quote scanned content (a secret).

use std::io::Write;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};

/// Replaces the default panic output with [`describe`], whatever `RUST_BACKTRACE`
/// says: CI jobs often set it, and their logs are public.
pub fn install_panic_report() {
    // A panic on a worker thread is reported once, not again where it is re-raised.
    static REPORTED: AtomicBool = AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        if !REPORTED.swap(true, Ordering::Relaxed) {
            let _ = describe(&mut std::io::stderr().lock(), info.location());
        }
    }));
}

/// Writes the line that replaces a panic's output: where keyscan failed, that the
/// result cannot be trusted, and what to do.
fn describe(out: &mut dyn Write, location: Option<&Location<'_>>) -> std::io::Result<()> {
    let at = location.map_or(String::new(), |at| {
        format!(" at {}:{}", at.file(), at.line())
    });
    writeln!(
        out,
        "keyscan: error: internal error{at}; the scan stopped and its result is incomplete. \
         This is a bug in keyscan: please report it with the command you ran."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_names_the_place_and_says_what_to_do() {
        let mut out = Vec::new();
        describe(&mut out, Some(Location::caller())).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("crash.rs:"), "{text}");
        assert!(text.contains("incomplete") && text.contains("report it"));
        assert_eq!(text.lines().count(), 1);
    }
}
