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
    /// chars before every [`CHUNK`]-th byte, built on the first column asked on a long line
    char_marks: std::sync::OnceLock<Box<[u32]>>,
}

/// Columns on lines up to this many bytes are counted from the line start; on longer lines,
/// from the nearest mark of [`SourceFile::char_marks`], so a line with many findings costs
/// O(`CHUNK`) per position instead of O(line length).
const CHUNK: usize = 1024;

/// Characters in `b` (UTF-8): every byte that does not continue a character starts one.
fn count_chars(b: &[u8]) -> usize {
    b.iter().filter(|&&c| (c as i8) >= -0x40).count()
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
            char_marks: std::sync::OnceLock::new(),
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
            char_marks: std::sync::OnceLock::new(),
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
        self.char_marks = std::sync::OnceLock::new();
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

    /// `offset` clamped to the text and snapped back to a char boundary: offsets on one line
    /// order as their columns do.
    pub fn snapped(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// 0-based index of the line holding byte `offset` (already snapped): a binary search.
    fn line_index(&self, offset: usize) -> usize {
        match self.starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line of a byte offset (clamped, snapped as in [`SourceFile::position`]), without
    /// counting the column.
    pub fn line(&self, offset: usize) -> usize {
        self.line_index(self.snapped(offset)) + 1
    }

    /// Byte offset where 1-based `line` starts (the text's end past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        let starts = self.starts();
        starts
            .get(line.max(1) - 1)
            .copied()
            .unwrap_or(self.text.len())
            .min(self.text.len())
    }

    /// Characters in `text[..offset]` (`offset` on a char boundary), through the marks.
    fn chars_before(&self, offset: usize) -> usize {
        let marks = self.char_marks.get_or_init(|| {
            let b = self.text.as_bytes();
            let mut marks = Vec::with_capacity(b.len() / CHUNK + 1);
            let mut n = 0usize;
            for chunk in b.chunks(CHUNK) {
                marks.push(u32::try_from(n).unwrap_or(u32::MAX));
                n += count_chars(chunk);
            }
            marks.push(u32::try_from(n).unwrap_or(u32::MAX));
            marks.into_boxed_slice()
        });
        let k = offset / CHUNK;
        marks[k] as usize + count_chars(&self.text.as_bytes()[k * CHUNK..offset])
    }

    /// 1-based position of a byte offset (clamped to the text, snapped to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.snapped(offset);
        let line_idx = self.line_index(offset);
        let start = self.starts()[line_idx];
        let column = if offset - start <= CHUNK {
            count_chars(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        } + 1;
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
        let line = self.line_index(self.snapped(offset));
        let starts = self.starts();
        let start = starts[line];
        let end = starts
            .get(line + 1)
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

    #[test]
    fn columns_on_long_lines_count_chars_as_a_scan_would() {
        // lines longer than CHUNK take the marks path; 'é' and '€' straddle chunk borders
        let mut text = String::from("short\n");
        for i in 0..3000 {
            text.push(if i % 7 == 0 {
                'é'
            } else if i % 11 == 0 {
                '€'
            } else {
                'a'
            });
        }
        text.push_str("\nend");
        let f = SourceFile::new("x".into(), text.clone());
        for offset in (0..=text.len() + 2).step_by(3) {
            let mut o = offset.min(text.len());
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            let line_start = text[..o].rfind('\n').map_or(0, |p| p + 1);
            let want = Position {
                line: text[..o].matches('\n').count() + 1,
                column: text[line_start..o].chars().count() + 1,
            };
            assert_eq!(f.position(offset), want, "offset {offset}");
            assert_eq!(f.line(offset), want.line);
            assert_eq!(f.line_start(want.line), line_start);
        }
    }
}
