//! A view: text derived from a blob for the engine to scan, with the way back from
//! each of its offsets to the blob's, so that a secret found in it is reported where
//! it stands in the blob.

/// Text derived from a blob, and where each of its bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// What made it, as reports name it: `json-string`, `name-value`, `base64:base64`.
    pub name: &'static str,
    /// The text to scan.
    pub text: Vec<u8>,
    /// The runs the text is made of, ascending.
    runs: Vec<Run>,
}

/// A stretch of a view's text and where it stands in the blob: copied (one blob byte
/// per text byte) or decoded at a fixed ratio, as base64 (four blob bytes per three
/// text bytes) or a run of percent escapes (three per one). One run per decoded value
/// keeps the mapping small however long the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// Offset in the view's text.
    text: usize,
    /// Offset in the blob.
    blob: usize,
    /// Blob bytes per `per_text` text bytes.
    per_blob: u32,
    /// Text bytes per `per_blob` blob bytes.
    per_text: u32,
}

impl Run {
    /// The blob offset of `offset` in the text, at or after this run's start. A byte
    /// inside a decoded group maps into its group (never past it).
    fn to_blob(self, offset: usize) -> usize {
        let (per_blob, per_text) = (self.per_blob as usize, self.per_text as usize);
        let along = offset - self.text;
        let within = (along % per_text).min(per_blob - 1);
        self.blob + along / per_text * per_blob + within
    }
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
        self.push_decoded(bytes, from, 1, 1);
    }

    /// Appends `bytes` decoded from the blob at `from`, where every `per_blob` bytes
    /// there decode to `per_text` of `bytes` (4 and 3 for base64).
    pub fn push_decoded(&mut self, bytes: &[u8], from: usize, per_blob: u32, per_text: u32) {
        let at = self.text.len();
        let run = Run {
            text: at,
            blob: from,
            per_blob,
            per_text,
        };
        let continues = self.runs.last().is_some_and(|last| {
            (last.per_blob, last.per_text) == (per_blob, per_text)
                && (at - last.text).is_multiple_of(per_text as usize)
                && last.to_blob(at) == from
        });
        if !continues {
            self.runs.push(run);
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
        let run = self.runs.partition_point(|run| run.text <= offset);
        match run.checked_sub(1) {
            Some(run) => self.runs[run].to_blob(offset),
            None => offset,
        }
    }

    /// This view of `outer`'s text made a view of the blob `outer` was made from,
    /// named `name`. A copied run is split where the runs of `outer` it copies from
    /// begin, each piece taking their place and ratio; a decoded run is mapped by its
    /// start, its ratio multiplied by that of the run of `outer` it starts in.
    pub fn through(self, outer: &View, name: &'static str) -> View {
        let mut runs = Vec::with_capacity(self.runs.len());
        for (index, run) in self.runs.iter().enumerate() {
            let end = self
                .runs
                .get(index + 1)
                .map_or(self.text.len(), |next| next.text);
            let copied = (run.per_blob, run.per_text) == (1, 1);
            let length = if copied { end - run.text } else { 0 };
            let mut along = 0;
            loop {
                let at = run.blob + along;
                let (per_blob, per_text, next) = outer.run_at(at);
                runs.push(Run {
                    text: run.text + along,
                    blob: outer.to_blob(at),
                    per_blob: run.per_blob * per_blob,
                    per_text: run.per_text * per_text,
                });
                along += next.map_or(length, |next| next - at).max(1);
                if along >= length {
                    break;
                }
            }
        }
        View {
            name,
            text: self.text,
            runs,
        }
    }

    /// The ratio of the run `offset` in the text is in, and where the next run
    /// begins (copied text before the first run stands for itself).
    fn run_at(&self, offset: usize) -> (u32, u32, Option<usize>) {
        let index = self.runs.partition_point(|run| run.text <= offset);
        let next = self.runs.get(index).map(|run| run.text);
        match index.checked_sub(1).map(|run| self.runs[run]) {
            Some(run) => (run.per_blob, run.per_text, next),
            None => (1, 1, next),
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

    #[test]
    fn a_decoded_value_is_one_run_mapped_group_by_group() {
        // Nine bytes decoded from twelve base64 characters at blob offset 100.
        let mut view = View::new("test");
        view.push_decoded(b"abcdefghi", 100, 4, 3);
        view.end_line(112);
        assert_eq!(view.runs.len(), 2);
        assert_eq!(view.to_blob(0), 100);
        assert_eq!(view.to_blob(3), 104);
        assert_eq!(view.to_blob(5), 106);
        assert_eq!(view.to_blob(9), 112);
    }

    #[test]
    fn a_view_of_a_view_maps_through_both() {
        // The outer view decodes 24 blob bytes at 100 into 18 text bytes; the inner one
        // copies a name from outer text 0 and decodes 12 outer text bytes from 3 into 9:
        // each 9 of its bytes stand for 12 outer bytes, which stand for 16 blob bytes.
        let mut outer = View::new("outer");
        outer.push_decoded(b"n: abcdefghijklmno", 100, 4, 3);
        let mut inner = View::new("inner");
        inner.push(b"n: ", 0);
        inner.push_decoded(b"xyzxyzxyz", 3, 4, 3);
        let nested = inner.through(&outer, "outer:inner");
        assert_eq!(nested.name, "outer:inner");
        assert_eq!(nested.to_blob(0), 100);
        assert_eq!(nested.to_blob(3), 104);
        assert_eq!(nested.to_blob(12), 104 + 16);
    }

    #[test]
    fn a_copy_of_decoded_escapes_maps_each_escape_back() {
        // Blob `"k": "a\"b"` (offsets: `a` at 6, `\"` at 7, `b` at 9); the outer view
        // decodes the string to `a"b`, the inner copies it whole.
        let mut outer = View::new("outer");
        outer.push(b"a", 6);
        outer.push(b"\"", 7);
        outer.push(b"b", 9);
        let mut inner = View::new("inner");
        inner.push(b"a\"b", 0);
        let nested = inner.through(&outer, "outer:inner");
        assert_eq!(
            (0..=3).map(|at| nested.to_blob(at)).collect::<Vec<_>>(),
            [6, 7, 9, 10]
        );
    }
}
