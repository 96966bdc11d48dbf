//! Token lexers for JavaScript/TypeScript and Python.
//!
//! Why a lexer and not a parser: keylint looks for a handful of shapes (env reads, SDK
//! constructor arguments, log calls, header objects, string literals) in every source file of
//! a monorepo. A correct tokenizer gets the hard part right — strings, template literals with
//! nested `${…}`, comments, regex literals, Python prefixes and triple quotes — so nothing inside
//! a string or comment is mistaken for code and no key inside a string is missed, at a fraction
//! of a full parse's cost and with no grammar to keep current across TS/JSX/Vue/Svelte syntax.

use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Ident,
    /// string literal; `value` is the content with simple escapes decoded
    Str {
        value: String,
        fstring: bool,
    },
    /// a literal chunk of a template string (`…` in `` `…${x}…` ``)
    Tmpl {
        value: String,
    },
    Num,
    Regex,
    Punct(u8),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Tok,
    /// for strings and template chunks: the content (inside quotes); otherwise the token
    pub span: Span,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.span.range()).unwrap_or("")
    }
    pub fn is_punct(&self, c: u8) -> bool {
        self.kind == Tok::Punct(c)
    }
    pub fn str_value(&self) -> Option<&str> {
        match &self.kind {
            Tok::Str { value, .. } | Tok::Tmpl { value } => Some(value),
            _ => None,
        }
    }
}

fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80
}

fn ident_char(b: u8) -> bool {
    ident_start(b) || b.is_ascii_digit()
}

const REGEX_AFTER_WORDS: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

/// Lexes JavaScript / TypeScript (and the script parts of Vue, Svelte, Astro files).
pub fn js(src: &str) -> Vec<Token> {
    let b = src.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    // for each open template `${`, the brace depth at which it closes
    let mut tmpl_stack: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            i = b[i..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(b.len(), |p| i + p);
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = src[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
            continue;
        }
        if c == b'\'' || c == b'"' {
            let (tok, next) = quoted(src, i, c);
            out.push(tok);
            i = next;
            continue;
        }
        if c == b'`' {
            out.push(Token {
                kind: Tok::Punct(b'`'),
                span: Span::new(i, i + 1),
            });
            i = template_chunk(src, i + 1, &mut out, &mut tmpl_stack, depth);
            continue;
        }
        if c == b'}' && tmpl_stack.last() == Some(&depth) {
            tmpl_stack.pop();
            out.push(Token {
                kind: Tok::Punct(b'}'),
                span: Span::new(i, i + 1),
            });
            i = template_chunk(src, i + 1, &mut out, &mut tmpl_stack, depth);
            continue;
        }
        if c == b'/' && regex_allowed(src, out.last()) {
            if let Some(end) = regex_end(b, i) {
                out.push(Token {
                    kind: Tok::Regex,
                    span: Span::new(i, end),
                });
                i = end;
                continue;
            }
        }
        if ident_start(c) {
            let s = i;
            while i < b.len() && ident_char(b[i]) {
                i += 1;
            }
            out.push(Token {
                kind: Tok::Ident,
                span: Span::new(s, i),
            });
            continue;
        }
        if c.is_ascii_digit() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                kind: Tok::Num,
                span: Span::new(s, i),
            });
            continue;
        }
        match c {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(Token {
            kind: Tok::Punct(c),
            span: Span::new(i, i + 1),
        });
        i += 1;
    }
    out
}

/// Scans a template chunk from `i` (just after `` ` `` or the `}` closing an interpolation) to
/// the closing `` ` `` or the next `${`. Returns where lexing resumes.
fn template_chunk(
    src: &str,
    mut i: usize,
    out: &mut Vec<Token>,
    stack: &mut Vec<usize>,
    depth: usize,
) -> usize {
    let b = src.as_bytes();
    let start = i;
    let mut value = String::new();
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if let Some(ch) = src[i + 1..].chars().next() {
                    value.push(unescape(ch));
                    i += 1 + ch.len_utf8();
                } else {
                    i += 1;
                }
            }
            b'`' => {
                out.push(Token {
                    kind: Tok::Tmpl { value },
                    span: Span::new(start, i),
                });
                out.push(Token {
                    kind: Tok::Punct(b'`'),
                    span: Span::new(i, i + 1),
                });
                return i + 1;
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                out.push(Token {
                    kind: Tok::Tmpl { value },
                    span: Span::new(start, i),
                });
                out.push(Token {
                    kind: Tok::Punct(b'$'),
                    span: Span::new(i, i + 2),
                });
                stack.push(depth);
                return i + 2;
            }
            _ => {
                // copy the run up to the next special byte at once
                let mut k = i + 1;
                while k < b.len() && !matches!(b[k], b'\\' | b'`' | b'$') {
                    k += 1;
                }
                while !src.is_char_boundary(k) {
                    k += 1;
                }
                value.push_str(&src[i..k]);
                i = k;
            }
        }
    }
    out.push(Token {
        kind: Tok::Tmpl { value },
        span: Span::new(start, b.len()),
    });
    b.len()
}

fn unescape(ch: char) -> char {
    match ch {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        other => other,
    }
}

/// A single-line quoted string from `i` (at the quote). Unterminated strings end at the line.
fn quoted(src: &str, i: usize, q: u8) -> (Token, usize) {
    let b = src.as_bytes();
    let mut j = i + 1;
    // fast path: no escape before the closing quote or the line end
    let mut k = j;
    while k < b.len() && b[k] != q && b[k] != b'\n' && b[k] != b'\\' {
        k += 1;
    }
    if k >= b.len() || b[k] != b'\\' {
        let end = k.min(b.len());
        let next = if end < b.len() && b[end] == q {
            end + 1
        } else {
            end
        };
        return (
            Token {
                kind: Tok::Str {
                    value: src[j..end].to_string(),
                    fstring: false,
                },
                span: Span::new(i + 1, end),
            },
            next,
        );
    }
    let mut value = String::with_capacity(k - j + 16);
    value.push_str(&src[j..k]);
    j = k;
    while j < b.len() && b[j] != q && b[j] != b'\n' {
        if b[j] == b'\\' {
            if let Some(ch) = src[j + 1..].chars().next() {
                if ch != '\n' {
                    value.push(unescape(ch));
                }
                j += 1 + ch.len_utf8();
                continue;
            }
        }
        let ch = src[j..].chars().next().unwrap_or('\0');
        value.push(ch);
        j += ch.len_utf8().max(1);
    }
    let end = j.min(b.len());
    let next = if end < b.len() && b[end] == q {
        end + 1
    } else {
        end
    };
    (
        Token {
            kind: Tok::Str {
                value,
                fstring: false,
            },
            span: Span::new(i + 1, end),
        },
        next,
    )
}

fn regex_allowed(src: &str, prev: Option<&Token>) -> bool {
    match prev {
        None => true,
        Some(t) => match &t.kind {
            Tok::Punct(p) => !matches!(p, b')' | b']' | b'}' | b'`'),
            Tok::Ident => REGEX_AFTER_WORDS.contains(&t.text(src)),
            _ => false,
        },
    }
}

fn regex_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let mut class = false;
    while j < b.len() {
        match b[j] {
            b'\n' => return None,
            b'\\' => j += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                j += 1;
                while j < b.len() && b[j].is_ascii_alphabetic() {
                    j += 1;
                }
                return Some(j);
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Lexes Python: prefixed and triple-quoted strings, `#` comments, f-strings kept whole.
pub fn python(src: &str) -> Vec<Token> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            i = b[i..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(b.len(), |p| i + p);
            continue;
        }
        // string prefix: up to two of r b u f
        let mut p = i;
        while p < b.len()
            && p - i < 2
            && matches!(b[p].to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f')
        {
            p += 1;
        }
        if p < b.len() && (b[p] == b'\'' || b[p] == b'"') {
            let prefix = src[i..p].to_ascii_lowercase();
            let (tok, next) = py_string(src, p, prefix.contains('f'), prefix.contains('r'));
            out.push(tok);
            i = next;
            continue;
        }
        if ident_start(c) {
            let s = i;
            while i < b.len() && ident_char(b[i]) {
                i += 1;
            }
            out.push(Token {
                kind: Tok::Ident,
                span: Span::new(s, i),
            });
            continue;
        }
        if c.is_ascii_digit() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                kind: Tok::Num,
                span: Span::new(s, i),
            });
            continue;
        }
        out.push(Token {
            kind: Tok::Punct(c),
            span: Span::new(i, i + 1),
        });
        i += 1;
    }
    out
}

fn py_string(src: &str, i: usize, fstring: bool, raw: bool) -> (Token, usize) {
    let b = src.as_bytes();
    let q = b[i];
    let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
    let open = if triple { 3 } else { 1 };
    let start = i + open;
    let mut j = start;
    let mut value = String::new();
    while j < b.len() {
        if b[j] == b'\\' && !raw {
            if let Some(ch) = src[j + 1..].chars().next() {
                value.push(unescape(ch));
                j += 1 + ch.len_utf8();
                continue;
            }
        }
        if triple {
            if b[j] == q && b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q) {
                return (
                    Token {
                        kind: Tok::Str { value, fstring },
                        span: Span::new(start, j),
                    },
                    j + 3,
                );
            }
        } else if b[j] == q {
            return (
                Token {
                    kind: Tok::Str { value, fstring },
                    span: Span::new(start, j),
                },
                j + 1,
            );
        } else if b[j] == b'\n' {
            break;
        }
        let ch = src[j..].chars().next().unwrap_or('\0');
        value.push(ch);
        j += ch.len_utf8().max(1);
    }
    let end = j.min(b.len());
    (
        Token {
            kind: Tok::Str { value, fstring },
            span: Span::new(start, end),
        },
        end,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str, toks: &[Token]) -> Vec<String> {
        toks.iter()
            .map(|t| match &t.kind {
                Tok::Ident => format!("id:{}", t.text(src)),
                Tok::Str { value, .. } => format!("str:{value}"),
                Tok::Tmpl { value } => format!("tmpl:{value}"),
                Tok::Regex => "re".into(),
                Tok::Num => "num".into(),
                Tok::Punct(c) => (*c as char).to_string(),
            })
            .collect()
    }

    #[test]
    fn js_strings_templates_regex_comments() {
        let src = "const a = `k: ${b + `x${c}`} end`; // process.env.NO\nconst r = /process.env.X/g; x = 4 / 2 /* y */; s = 'it\\'s'";
        let t = js(src);
        let k = kinds(src, &t);
        assert!(
            k.contains(&"tmpl:k: ".into())
                && k.contains(&"id:c".into())
                && k.contains(&"tmpl: end".into()),
            "{k:?}"
        );
        assert!(
            !k.iter().any(|x| x == "id:NO"),
            "comment lexed as code: {k:?}"
        );
        assert!(k.contains(&"re".into()));
        assert!(k.contains(&"str:it's".into()));
        assert_eq!(
            k.iter().filter(|x| *x == "re").count(),
            1,
            "4 / 2 is division: {k:?}"
        );
    }

    #[test]
    fn python_strings() {
        let src = "x = f\"key {k}\"  # os.environ['NO']\ny = r'\\d' + '''multi\nline''' + b\"b\"\nz = os.environ[\"A\"]";
        let t = python(src);
        let k = kinds(src, &t);
        assert!(k.contains(&"str:key {k}".into()), "{k:?}");
        assert!(!k.iter().any(|x| x.contains("NO")), "{k:?}");
        assert!(k.contains(&"str:multi\nline".into()));
        assert!(k.contains(&"str:A".into()));
    }
}
