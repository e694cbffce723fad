//! A view: text derived from a blob for the engine to scan, with the way back from
//! each of its offsets to the blob's, so that a secret found in it is reported where
//! it stands in the blob.

/// Text derived from a blob, and where each of its bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// What made it, as reports name it: `json-string`, `name-value`.
    pub name: &'static str,
    /// The text to scan.
    pub text: Vec<u8>,
    /// Starts of the runs the text is made of: (offset in `text`, offset in the blob),
    /// ascending. Within a run, text and blob advance together.
    runs: Vec<(usize, usize)>,
}

impl View {
    /// An empty view named `name`.
    pub fn new(name: &'static str) -> View {
        View {
            name,
            text: Vec::new(),
            runs: Vec::new(),
        }
    }

    /// Appends `bytes`, which stand at `from` in the blob (a copy, or what an escape
    /// sequence there decodes to).
    pub fn push(&mut self, bytes: &[u8], from: usize) {
        let at = self.text.len();
        let continues = self
            .runs
            .last()
            .is_some_and(|&(text, blob)| blob + (at - text) == from);
        if !continues {
            self.runs.push((at, from));
        }
        self.text.extend_from_slice(bytes);
    }

    /// Appends a line break that stands for the blob's offset `from`.
    pub fn end_line(&mut self, from: usize) {
        self.push(b"\n", from);
    }

    /// The blob offset of `offset` in the text: a start or an exclusive end of a
    /// secret. An offset at the start of a run belongs to that run.
    pub fn to_blob(&self, offset: usize) -> usize {
        let run = self.runs.partition_point(|&(text, _)| text <= offset);
        match run.checked_sub(1).map(|run| self.runs[run]) {
            Some((text, blob)) => blob + (offset - text),
            None => offset,
        }
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_across_copies_and_decoded_escapes() {
        // Blob: `"a\/b" x` — the view holds `a/b`, with `/` decoded from `\/` at 2.
        let mut view = View::new("test");
        view.push(b"a", 1);
        view.push(b"/", 2);
        view.push(b"b", 4);
        view.end_line(5);
        assert_eq!(view.text, b"a/b\n");
        assert_eq!(
            (0..=4).map(|at| view.to_blob(at)).collect::<Vec<_>>(),
            [1, 2, 4, 5, 6]
        );
    }

    #[test]
    fn contiguous_copies_are_one_run() {
        let mut view = View::new("test");
        view.push(b"abc", 10);
        view.push(b"def", 13);
        assert_eq!(view.runs.len(), 1);
        assert_eq!(view.to_blob(5), 15);
    }
}
