//! Per-thread state for walkers that start and end their own threads (the `ignore`
//! directory walker, gix-pack's pack traversal): each thread's state is made on first
//! use and handed back when the thread lets go of it.

use std::sync::Mutex;

/// One thread's state: made by `make` on first use, pushed onto `finished` when dropped.
/// A clone is a fresh, empty handover for another thread.
pub struct Handover<'a, S, M> {
    state: Option<S>,
    make: &'a M,
    finished: &'a Mutex<Vec<S>>,
}

impl<'a, S, M: Fn() -> S> Handover<'a, S, M> {
    /// A handover that makes its state with `make` and returns it to `finished`.
    pub fn new(make: &'a M, finished: &'a Mutex<Vec<S>>) -> Self {
        Handover {
            state: None,
            make,
            finished,
        }
    }

    /// This thread's state, made now if it has none yet.
    pub fn state(&mut self) -> &mut S {
        self.state.get_or_insert_with(self.make)
    }
}

impl<S, M> Clone for Handover<'_, S, M> {
    fn clone(&self) -> Self {
        Handover {
            state: None,
            make: self.make,
            finished: self.finished,
        }
    }
}

impl<S, M> Drop for Handover<'_, S, M> {
    fn drop(&mut self) {
        if let Some(state) = self.state.take() {
            self.finished
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .push(state);
        }
    }
}

/// Every state handed back, once all threads are done.
pub fn collected<S>(finished: Mutex<Vec<S>>) -> Vec<S> {
    finished
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_threads_that_used_their_state_hand_one_back() {
        let finished = Mutex::new(Vec::new());
        let make = || 0;
        {
            let mut used = Handover::new(&make, &finished);
            *used.state() += 2;
            *used.state() += 1;
            let unused = used.clone();
            drop(unused);
        }
        assert_eq!(collected(finished), vec![3]);
    }
}
