//! The progress line of a long scan: a [`Progress`]'s counters redrawn on standard
//! error while the scan runs, and erased when it ends.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use keyscan::text::counted;

use keyscan::source::progress::{Counts, Progress};

/// How often the progress line is redrawn.
const REDRAW: Duration = Duration::from_millis(250);

/// The progress line for `counts`, `elapsed` into reading.
fn line(counts: Counts, elapsed: Duration) -> String {
    let Counts {
        commits,
        blobs_total: total,
        blobs_done: done,
        bytes_done,
    } = counts;
    if total == 0 {
        return format!(
            "keyscan: walking history: {}",
            counted(commits, "commit", "commits")
        );
    }
    let megabytes = bytes_done as f64 / 1e6;
    let seconds = elapsed.as_secs_f64().max(1e-3);
    let eta = if done == 0 {
        String::from("?")
    } else {
        format!(
            "{:.0} s",
            seconds * (total - done.min(total)) as f64 / done as f64
        )
    };
    format!(
        "keyscan: {commits} commits, {done}/{total} blobs, {megabytes:.1} MB at {:.1} MB/s, ETA {eta}",
        megabytes / seconds
    )
}

/// Shows a [`Progress`] on standard error until dropped, then erases the line.
pub struct ProgressLine {
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// Starts redrawing `progress` on standard error.
    pub fn start(progress: Arc<Progress>) -> ProgressLine {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let signal = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut reading_since: Option<Instant> = None;
            let (lock, wake) = &*signal;
            let mut stopped = lock.lock().unwrap_or_else(|poison| poison.into_inner());
            while !*stopped {
                let counts = progress.snapshot();
                if reading_since.is_none() && counts.blobs_total > 0 {
                    reading_since = Some(Instant::now());
                }
                let elapsed = reading_since.map_or(Duration::ZERO, |since| since.elapsed());
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[K{}", line(counts, elapsed));
                let _ = err.flush();
                drop(err);
                stopped = wake
                    .wait_timeout(stopped, REDRAW)
                    .map_or_else(|poison| poison.into_inner().0, |(guard, _)| guard);
            }
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        });
        ProgressLine {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(|poison| poison.into_inner()) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_walking_then_reading_with_rate_and_eta() {
        let progress = Progress::default();
        progress.commit_walked();
        progress.commit_walked();
        assert_eq!(
            line(progress.snapshot(), Duration::from_secs(1)),
            "keyscan: walking history: 2 commits"
        );
        progress.blobs_planned(4);
        progress.blob_read(2_000_000);
        assert_eq!(
            line(progress.snapshot(), Duration::from_secs(2)),
            "keyscan: 2 commits, 1/4 blobs, 2.0 MB at 1.0 MB/s, ETA 6 s"
        );
    }
}
