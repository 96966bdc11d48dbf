//! Jupyter notebooks (`.ipynb`): key literals in cell sources and text outputs.
//!
//! The literal pass ([`crate::parse::text`]) runs on the notebook's JSON text as it is: a key
//! holds no character JSON escapes, so its span in the JSON is exact and findings point at the
//! right place in the `.ipynb` file. Only when it finds something is the JSON parsed (with the
//! ranges of every string), to say which cell and which line of the cell the key is on, and to
//! drop what is neither a cell's source nor a text output (image data, metadata).

use jsonc_parser::ast::{Object, Value};

use crate::catalog::Catalog;
use crate::facts::{FileFacts, ParseIssue};
use crate::source::Span;

/// One JSON string of a cell: its byte range, the cell (0-based), whether it is an output, and
/// the lines of the same block before it.
struct Segment {
    start: usize,
    end: usize,
    cell: usize,
    output: bool,
    lines_before: usize,
}

pub fn parse(text: &str, catalog: &Catalog) -> FileFacts {
    let mut facts = FileFacts::default();
    let lits = crate::parse::text::scan(text, catalog);
    if lits.is_empty() {
        return facts;
    }
    let segments = match segments(text) {
        Ok(s) => s,
        Err((span, message)) => {
            // not a notebook we can read: the keys are still reported, at their JSON line
            facts.parse_issues.push(ParseIssue { span, message });
            facts.literals = lits;
            return facts;
        }
    };
    for mut lit in lits {
        let at = lit.span.start as usize;
        let Some(seg) = segments.iter().find(|s| s.start <= at && at < s.end) else {
            continue;
        };
        let line = seg.lines_before + escaped_newlines(&text.as_bytes()[seg.start..at]) + 1;
        lit.place = Some(if seg.output {
            format!("output of cell {}, line {line}", seg.cell + 1)
        } else {
            format!("cell {}, line {line}", seg.cell + 1)
        });
        facts.literals.push(lit);
    }
    facts
}

/// The strings of every cell's source and text outputs.
fn segments(text: &str) -> Result<Vec<Segment>, (Span, String)> {
    crate::parse::settings::too_deep(text, "//")?;
    let ast = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default()).map_err(
        |e| {
            let r = e.range();
            (
                Span::new(r.start, r.end.max(r.start)),
                format!("invalid notebook JSON: {}", e.kind()),
            )
        },
    )?;
    let mut out = Vec::new();
    let Some(Value::Object(root)) = &ast.value else {
        return Ok(out);
    };
    let Some(cells) = root.get_array("cells") else {
        return Ok(out);
    };
    for (i, cell) in cells.elements.iter().enumerate() {
        let Value::Object(cell) = cell else { continue };
        if let Some(p) = cell.get("source") {
            block(&p.value, i, false, &mut out);
        }
        let Some(outputs) = cell.get_array("outputs") else {
            continue;
        };
        for o in &outputs.elements {
            let Value::Object(o) = o else { continue };
            if let Some(p) = o.get("text") {
                block(&p.value, i, true, &mut out);
            }
            if let Some(p) = o
                .get_object("data")
                .and_then(|d: &Object| d.get("text/plain"))
            {
                block(&p.value, i, true, &mut out);
            }
        }
    }
    Ok(out)
}

/// A multiline string of nbformat: one string, or an array of strings (one per line).
fn block(v: &Value, cell: usize, output: bool, out: &mut Vec<Segment>) {
    let mut lines_before = 0;
    let strings: Vec<&jsonc_parser::ast::StringLit> = match v {
        Value::StringLit(s) => vec![s],
        Value::Array(a) => a
            .elements
            .iter()
            .filter_map(|e| match e {
                Value::StringLit(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => return,
    };
    for s in strings {
        out.push(Segment {
            start: s.range.start,
            end: s.range.end,
            cell,
            output,
            lines_before,
        });
        lines_before += s.value.matches('\n').count();
    }
}

/// `\n` escapes in raw JSON string text (an escaped backslash before an `n` is not one).
fn escaped_newlines(raw: &[u8]) -> usize {
    let (mut n, mut i) = (0, 0);
    while i < raw.len() {
        if raw[i] == b'\\' {
            n += usize::from(raw.get(i + 1) == Some(&b'n'));
            i += 2;
        } else {
            i += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::synth_key;

    #[test]
    fn cells_lines_and_outputs() {
        let c = Catalog::builtin().expect("catalog");
        let k1 = synth_key("gsk_{alnum:52}", 1);
        let k2 = synth_key("gsk_{alnum:52}", 2);
        let k3 = synth_key("gsk_{alnum:52}", 3);
        let nb = format!(
            r##"{{"cells": [
 {{"cell_type": "markdown", "source": ["# Title\n"]}},
 {{"cell_type": "code", "source": ["import os\n", "x = 1\n", "os.environ[\"GROQ_API_KEY\"] = \"{k1}\"\n"],
  "outputs": [{{"output_type": "stream", "text": ["ok\n", "{k2}\n"]}},
              {{"output_type": "display_data", "data": {{"image/png": "iVBOR", "text/plain": "a\nb {k3}"}}}}]}}
], "metadata": {{}}, "nbformat": 4}}"##
        );
        let f = parse(&nb, &c);
        let places: Vec<(&str, &str)> = f
            .literals
            .iter()
            .map(|l| (l.place.as_deref().unwrap_or(""), &nb[l.span.range()]))
            .collect();
        assert_eq!(
            places,
            vec![
                ("cell 2, line 3", k1.as_str()),
                ("output of cell 2, line 2", k2.as_str()),
                ("output of cell 2, line 2", k3.as_str()),
            ]
        );
        assert_eq!(f.literals[0].name.as_deref(), Some("GROQ_API_KEY"));
    }
}
