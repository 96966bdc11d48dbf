//! A file's text plus the index that turns byte offsets into 1-based lines and columns.
//!
//! Every fact carries a [`Span`] (byte range into [`SourceFile::text`]); lines and columns are
//! computed only when a finding is rendered.

use serde::Serialize;

/// A half-open byte range `[start, end)` into one file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "internal error: inverted span");
        // Files above u32::MAX bytes are rejected by the size cap long before this point.
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// 1-based line and column (columns count Unicode scalar values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One scanned file: its path relative to the scanned root (with `/`), and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub rel_path: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// length of the text when it was read (kept when the text is dropped)
    dropped_len: usize,
    /// content hash of the text, taken when it is dropped: a re-read must find the same
    dropped_hash: u64,
    /// the text is not the bytes on disk (BOM dropped, UTF-16 decoded, lone CR read as a line
    /// break: see [`crate::fsread::decode`]), so edits cannot be spliced back into the file
    pub transcoded: bool,
}

impl SourceFile {
    pub fn new(rel_path: String, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile {
            rel_path,
            dropped_len: text.len(),
            dropped_hash: 0,
            text,
            line_starts,
            transcoded: false,
        }
    }

    /// A file whose text was read, parsed and released at once (no line table is built).
    pub fn released(rel_path: String, text: &str) -> Self {
        SourceFile {
            rel_path,
            text: String::new(),
            line_starts: Vec::new(),
            dropped_len: text.len(),
            dropped_hash: crate::fsread::content_hash(text),
            transcoded: false,
        }
    }

    /// Frees the text and line table of a file nothing will show (see `IndexedFile::release`);
    /// [`SourceFile::restore`] brings them back.
    pub fn drop_text(&mut self) {
        if !self.text.is_empty() {
            self.dropped_len = self.text.len();
            self.dropped_hash = crate::fsread::content_hash(&self.text);
        }
        self.text = String::new();
        self.line_starts = Vec::new();
    }

    /// Where each line starts; a released file has no table and one line.
    fn starts(&self) -> &[usize] {
        if self.line_starts.is_empty() {
            &[0]
        } else {
            &self.line_starts
        }
    }

    pub fn is_dropped(&self) -> bool {
        self.text.is_empty() && self.dropped_len > 0
    }

    /// Puts the text back (re-read from disk); refused when the content changed meanwhile.
    pub fn restore(&mut self, text: String) -> bool {
        if text.len() != self.dropped_len || crate::fsread::content_hash(&text) != self.dropped_hash
        {
            return false;
        }
        let transcoded = self.transcoded;
        *self = SourceFile::new(std::mem::take(&mut self.rel_path), text);
        self.transcoded = transcoded;
        true
    }

    /// 1-based position of a byte offset (clamped to the text, snapped to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts();
        let line_idx = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = starts[line_idx];
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: line_idx + 1,
            column,
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The span of the whole line that contains `offset`, without its line ending.
    pub fn line_span(&self, offset: usize) -> Span {
        let pos = self.position(offset);
        let starts = self.starts();
        let start = starts[pos.line - 1];
        let end = starts
            .get(pos.line)
            .map_or(self.text.len(), |next| next - 1);
        let end = if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        Span::new(start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let f = SourceFile::new("x".into(), "ab\nçd=1\r\nz".into());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // 'ç' is two bytes: the byte after it is column 2
        assert_eq!(f.position(5), Position { line: 2, column: 2 });
        assert_eq!(f.position(4), Position { line: 2, column: 1 });
        assert_eq!(f.position(100), Position { line: 3, column: 2 });
        assert_eq!(f.slice(f.line_span(5)), "çd=1");
    }
}
