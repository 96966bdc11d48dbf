//! Where a YAML scalar's decoded value lives in the source text: the quoting style a front end
//! recorded, and the mapping from a value offset back to a file offset (so a check can label
//! a part of a `run:` script or an `env:` value exactly).

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    /// `|` literal block: content lines map 1:1 to source lines.
    Literal,
    /// `>` folded block
    Folded,
}

/// Where the byte at `offset` of a scalar's decoded value sits in the source. Exact for plain
/// and literal-block scalars and for quoted scalars without escapes; otherwise the scalar start.
pub fn scalar_offset(text: &str, value: &str, style: Style, span: Span, offset: usize) -> usize {
    let src = &text[span.range()];
    match style {
        Style::Plain => span.start as usize + offset.min(src.len()),
        Style::Quoted => {
            let inner = src.get(1..src.len().saturating_sub(1)).unwrap_or("");
            if inner == value {
                span.start as usize + 1 + offset
            } else {
                span.start as usize
            }
        }
        Style::Literal | Style::Folded => {
            // saphyr's span starts at the first content character: back up to its line start;
            // each content line is then a source line minus the block's indentation
            let body_start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
            let _ = src;
            let (line_no, col) = {
                let before = &value[..offset.min(value.len())];
                (
                    before.matches('\n').count(),
                    before.len() - before.rfind('\n').map_or(0, |i| i + 1),
                )
            };
            let mut at = body_start;
            let mut seen = 0;
            let mut indent = None;
            for line in text[body_start..].split_inclusive('\n') {
                let trimmed = line.trim_end_matches(['\n', '\r']);
                if trimmed.trim().is_empty() && seen < line_no {
                    // blank lines inside the block are content lines too
                    seen += 1;
                    at += line.len();
                    continue;
                }
                let ind = *indent.get_or_insert(trimmed.len() - trimmed.trim_start().len());
                if seen == line_no {
                    return at + ind + col;
                }
                seen += 1;
                at += line.len();
            }
            span.start as usize
        }
    }
}
