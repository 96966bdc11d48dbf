//! A span-keeping dotenv reader.
//!
//! Value semantics follow dotenvy (the differential test in `tests/dotenv_dotenvy.rs` holds us to
//! it) with the leniency of the Node and Python loaders where dotenvy is stricter than what
//! people's apps accept (`KEY=two words`). What dotenvy cannot give us, and why this exists: the
//! byte span of every name and value, the quote style, whether a value is a reference, and a
//! diagnostic per bad line instead of giving up on the file.

use crate::facts::{Assignment, FileFacts, ParseIssue, Quote, ValueSource};
use crate::redact::SecretStr;
use crate::source::Span;

pub fn parse(text: &str) -> FileFacts {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        facts: FileFacts::default(),
    };
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    while p.pos < p.bytes.len() {
        p.statement();
    }
    p.facts
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    facts: FileFacts,
}

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-'
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Offset of the next line break (or end of text) from `from`: `\n`, or a lone `\r`
    /// (python-dotenv and Node's dotenv read one as a line break; `\r\n` ends at its `\n`).
    fn eol(&self, from: usize) -> usize {
        memchr::memchr2_iter(b'\n', b'\r', &self.bytes[from..])
            .map(|i| from + i)
            .find(|&i| self.bytes[i] == b'\n' || self.bytes.get(i + 1) != Some(&b'\n'))
            .unwrap_or(self.bytes.len())
    }

    /// End of line content: excludes a `\r` right before the `\n`.
    fn content_end(&self, eol: usize, from: usize) -> usize {
        if eol > from && self.bytes[eol - 1] == b'\r' {
            eol - 1
        } else {
            eol
        }
    }

    /// A commented assignment (`# NAME=`, `#NAME=value`, `# export NAME=…`) documents NAME.
    fn documented_name(&mut self) {
        let eol = self.eol(self.pos);
        let line = &self.bytes[self.pos..eol];
        let body = line
            .iter()
            .position(|&c| c != b'#')
            .map_or(&line[line.len()..], |i| &line[i..]);
        let body = body.trim_ascii_start();
        let body = body
            .strip_prefix(b"export ")
            .unwrap_or(body)
            .trim_ascii_start();
        let n = body
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        if n == 0 || body[0].is_ascii_digit() {
            return;
        }
        if body[n..].trim_ascii_start().first() == Some(&b'=') {
            let start = eol - body.len();
            if let Ok(name) = std::str::from_utf8(&body[..n]) {
                self.facts
                    .documented
                    .push((name.to_string(), Span::new(start, start + n)));
            }
        }
    }

    fn skip_line(&mut self) {
        self.pos = (self.eol(self.pos) + 1).min(self.bytes.len());
    }

    fn issue(&mut self, line_start: usize, message: String) {
        let eol = self.eol(line_start);
        let end = self.content_end(eol, line_start);
        self.facts.parse_issues.push(ParseIssue {
            span: Span::new(line_start, end),
            message,
        });
        self.pos = (eol + 1).min(self.bytes.len());
    }

    fn key(&mut self) -> Option<Span> {
        let start = self.pos;
        if !self.peek().is_some_and(is_key_start) {
            return None;
        }
        while self.peek().is_some_and(is_key_char) {
            self.pos += 1;
        }
        Some(Span::new(start, self.pos))
    }

    fn statement(&mut self) {
        let line_start = self.pos;
        self.skip_blanks();
        match self.peek() {
            None => return,
            Some(b'\n') => {
                self.pos += 1;
                return;
            }
            Some(b'\r') if self.bytes.get(self.pos + 1) == Some(&b'\n') => {
                self.pos += 2;
                return;
            }
            // a lone CR is a line break of its own
            Some(b'\r') => {
                self.pos += 1;
                return;
            }
            Some(b'#') => {
                self.documented_name();
                return self.skip_line();
            }
            _ => {}
        }
        let Some(mut key) = self.key() else {
            let shown = self.shown_line(line_start);
            return self.issue(
                line_start,
                format!("expected `NAME=value`, found `{shown}`; loaders skip or reject this line"),
            );
        };
        if &self.text[key.range()] == "export" && matches!(self.peek(), Some(b' ' | b'\t')) {
            self.skip_blanks();
            match self.key() {
                Some(k) => key = k,
                None => {
                    return self.issue(line_start, "expected a name after `export`".to_string());
                }
            }
        }
        self.skip_blanks();
        if self.peek() != Some(b'=') {
            let name = shown_name(&self.text[key.range()]);
            return self.issue(
                line_start,
                format!("expected `=` after `{name}`; loaders skip or reject this line"),
            );
        }
        self.pos += 1;
        self.skip_blanks();
        self.value(line_start, key);
    }

    /// The start of a bad line for a message: a name-like token only, redacted when it might be
    /// a key (a bare key pasted on its own line is the common case).
    fn shown_line(&self, line_start: usize) -> String {
        let eol = self.eol(line_start);
        let line = self.text[line_start..self.content_end(eol, line_start)].trim();
        let token: String = line
            .chars()
            .take_while(|c| c.is_ascii() && is_key_char(*c as u8))
            .collect();
        shown_name(if token.is_empty() { line } else { &token })
    }

    fn value(&mut self, line_start: usize, key: Span) {
        let (value, value_span, quote, source) = match self.peek() {
            Some(q @ (b'"' | b'\'')) => match self.quoted(q) {
                Some(v) => v,
                None => {
                    let name = shown_name(&self.text[key.range()]);
                    let open = if q == b'"' { '"' } else { '\'' };
                    return self.issue(
                        line_start,
                        format!("`{name}` opens a {open} quote that is never closed"),
                    );
                }
            },
            _ => self.unquoted(),
        };
        self.facts.assignments.push(Assignment {
            name: self.text[key.range()].to_string(),
            name_span: key,
            value: SecretStr::new(value),
            value_span,
            quote,
            source,
            stmt_span: Span::new(line_start, value_span.end as usize),
        });
    }

    fn unquoted(&mut self) -> (String, Span, Quote, ValueSource) {
        let start = self.pos;
        let eol = self.eol(start);
        let mut end = self.content_end(eol, start);
        // ` #` starts a comment; `#` glued to the value is part of it (dotenvy, python-dotenv)
        let line = &self.bytes[start..end];
        if let Some(i) = line
            .windows(2)
            .position(|w| (w[0] == b' ' || w[0] == b'\t') && w[1] == b'#')
        {
            end = start + i;
        }
        while end > start && matches!(self.bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        let raw = &self.text[start..end];
        self.pos = (eol + 1).min(self.bytes.len());
        let (decoded, source) = decode_refs(raw, false);
        (decoded, Span::new(start, end), Quote::None, source)
    }

    /// A quoted value, possibly spanning lines. `None` when the quote never closes.
    fn quoted(&mut self, q: u8) -> Option<(String, Span, Quote, ValueSource)> {
        let open = self.pos;
        let content_start = open + 1;
        let mut i = content_start;
        let close = loop {
            match self.bytes.get(i) {
                None => return None,
                Some(b'\\') if q == b'"' => i += 2,
                Some(&b) if b == q => break i,
                Some(_) => i += 1,
            }
        };
        let raw = &self.text[content_start..close];
        let (decoded, quote, source) = if q == b'\'' {
            (raw.to_string(), Quote::Single, ValueSource::Literal)
        } else {
            let (d, s) = decode_refs(raw, true);
            (d, Quote::Double, s)
        };
        // after the closing quote: blanks, an optional comment, end of line
        let eol = self.eol(close);
        let rest = self.text[close + 1..self.content_end(eol, close + 1)].trim_start();
        self.pos = (eol + 1).min(self.bytes.len());
        if !rest.is_empty() && !rest.starts_with('#') {
            self.facts.parse_issues.push(ParseIssue {
                span: Span::new(close + 1, self.content_end(eol, close + 1)),
                message: "text after the closing quote: loaders disagree on whether it is part of the value".to_string(),
            });
        }
        Some((decoded, Span::new(content_start, close), quote, source))
    }
}

/// A name as shown in a message: redacted when it looks like a key rather than a variable name.
fn shown_name(name: &str) -> String {
    let digits = name.chars().filter(char::is_ascii_digit).count();
    if name.contains('-')
        || digits >= 3
        || name.len() > 40
        || name.chars().any(|c| !c.is_ascii_graphic())
    {
        crate::redact::redact(name)
    } else {
        name.to_string()
    }
}

/// Decodes escapes (double quotes only) and classifies `$NAME` / `${NAME}` references.
pub(crate) fn decode_refs(raw: &str, escapes: bool) -> (String, ValueSource) {
    let mut out = String::with_capacity(raw.len());
    let mut refs: Vec<String> = Vec::new();
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if escapes => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, e @ ('\\' | '"' | '\'' | '$' | ' '))) => out.push(e),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '$' => {
                let rest = &raw[i + 1..];
                let (name, consumed) = if let Some(inner) = rest.strip_prefix('{') {
                    match inner.find('}') {
                        Some(end) => {
                            let body = &inner[..end];
                            // ${NAME:-default} / ${NAME-default}: the name is before the operator
                            let name_end = body
                                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                                .unwrap_or(body.len());
                            (body[..name_end].to_string(), end + 2)
                        }
                        None => (String::new(), 0),
                    }
                } else {
                    let end = rest
                        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                        .unwrap_or(rest.len());
                    (rest[..end].to_string(), end)
                };
                out.push('$');
                if consumed > 0 {
                    out.push_str(&raw[i + 1..i + 1 + consumed]);
                    for _ in 0..raw[i + 1..i + 1 + consumed].chars().count() {
                        chars.next();
                    }
                }
                if !name.is_empty() {
                    refs.push(name);
                }
            }
            _ => out.push(c),
        }
    }
    let source = match refs.as_slice() {
        [] => ValueSource::Literal,
        [one] if is_single_ref(raw.trim(), one) => ValueSource::EnvRef(one.clone()),
        _ => ValueSource::Interpolated,
    };
    (out, source)
}

fn is_single_ref(raw: &str, name: &str) -> bool {
    raw == format!("${name}")
        || raw == format!("${{{name}}}")
        || (raw.starts_with(&format!("${{{name}:")) || raw.starts_with(&format!("${{{name}-")))
            && raw.ends_with('}')
            && raw.matches('}').count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (String, String, Quote, ValueSource, String) {
        let f = parse(text);
        assert!(f.parse_issues.is_empty(), "{:?}", f.parse_issues);
        let a = &f.assignments[0];
        (
            a.name.clone(),
            a.value.expose().to_string(),
            a.quote,
            a.source.clone(),
            text[a.value_span.range()].to_string(),
        )
    }

    #[test]
    fn commented_assignments_document_names() {
        let f = parse(
            "# OPENAI_API_KEY=\n#ANTHROPIC_API_KEY=sk-…\n# export GROQ_API_KEY = x\n# Set this to your key\n# 1X=2\nA=1\n",
        );
        let names: Vec<&str> = f.documented.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_API_KEY"]
        );
        assert_eq!(f.documented[0].1, Span::new(2, 16));

        assert_eq!(f.assignments.len(), 1);
    }

    #[test]
    fn forms() {
        assert_eq!(one("A=b").1, "b");
        assert_eq!(one("export A=b # c").1, "b");
        assert_eq!(one("A=b#c").1, "b#c");
        assert_eq!(one("A = b  ").1, "b");
        assert_eq!(one("A=' b '").1, " b ");
        assert_eq!(one("A=\"x\\ny\"").1, "x\ny");
        assert_eq!(one("A='x\\ny'").1, "x\\ny");
        assert_eq!(one("A=\"multi\nline\"").1, "multi\nline");
        assert_eq!(one("A=").1, "");
        assert_eq!(one("A=two words").1, "two words");
        assert_eq!(one("\u{feff}A=b").0, "A");
        assert_eq!(one("A=b\r\n").1, "b");
        assert_eq!(one("A=\"b\"\r\n").4, "b");
        // a lone CR ends the line, as in python-dotenv and Node's dotenv
        assert_eq!(one("A=b\rC=c\n").1, "b");
    }

    #[test]
    fn references() {
        assert_eq!(one("A=${B}").3, ValueSource::EnvRef("B".into()));
        assert_eq!(one("A=$B").3, ValueSource::EnvRef("B".into()));
        assert_eq!(one("A=\"${B:-x}\"").3, ValueSource::EnvRef("B".into()));
        assert_eq!(one("A=https://${H}/v1").3, ValueSource::Interpolated);
        assert_eq!(one("A='${B}'").3, ValueSource::Literal);
        assert_eq!(one("A=\"\\${B}\"").3, ValueSource::Literal);
    }

    #[test]
    fn spans_point_inside_quotes() {
        let text = "X=1\nexport KEY='abc ' # note\n";
        let f = parse(text);
        let a = &f.assignments[1];
        assert_eq!(&text[a.name_span.range()], "KEY");
        assert_eq!(&text[a.value_span.range()], "abc ");
    }

    #[test]
    fn lone_cr_is_a_line_break() {
        let text = "A=1\rK=\"first\rsecond\"\rB=2\r";
        let f = parse(text);
        assert!(f.parse_issues.is_empty(), "{:?}", f.parse_issues);
        let names: Vec<_> = f.assignments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["A", "K", "B"]);
        // the quoted value's span covers both of its lines
        assert_eq!(&text[f.assignments[1].value_span.range()], "first\rsecond");
        assert_eq!(f.assignments[0].value.expose(), "1");
    }

    #[test]
    fn bad_lines_are_reported_and_skipped() {
        let f = parse("A=1\nnot a line\nB 2\nC='open\nD=4\n");
        let names: Vec<_> = f.assignments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["A", "D"]);
        assert_eq!(f.parse_issues.len(), 3);
        assert!(f.parse_issues[2].message.contains("never closed"));
    }
}
