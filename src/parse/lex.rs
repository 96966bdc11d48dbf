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

/// Where the lexer builds tokens. It always scans every byte (so it knows whether a position is
/// code, string or comment, and whether a `/` starts a regex), but outside the windows it only
/// moves on: no token, no string value, no allocation. A window that ends inside brackets it
/// opened stays open until they close (an SDK call's argument object is read whole); between
/// windows the token stream gets a `;` so no shape spans two windows.
struct Sink<'w> {
    out: Vec<Token>,
    /// sorted, disjoint byte ranges; `None`: the whole file
    ranges: Option<&'w [(usize, usize)]>,
    cur: usize,
    in_range: bool,
    /// bracket depth (all kinds) of the scan, and at the start of the current window
    nest: usize,
    start_nest: usize,
    hold_until: Option<usize>,
    skipped: bool,
    /// the last token scanned, emitted or not (what a `/` after it means)
    prev: Prev,
}

/// The first byte in `b[from..to]` where JavaScript's lexical state can change (a quote,
/// backtick or slash; inside a template interpolation also a brace, where the interpolation may
/// end), or `to`. Tests 16 bytes at a time without branches, so the compiler turns each block
/// into a few vector compares and one mask.
fn jump(b: &[u8], from: usize, to: usize, in_template: bool) -> usize {
    if in_template {
        jump_to::<true>(b, from, to)
    } else {
        jump_to::<false>(b, from, to)
    }
}

fn jump_to<const TEMPLATE: bool>(b: &[u8], from: usize, to: usize) -> usize {
    const W: usize = 16;
    let special = |c: u8| {
        (c == b'\'')
            | (c == b'"')
            | (c == b'`')
            | (c == b'/')
            | (TEMPLATE && ((c == b'{') | (c == b'}')))
    };
    let mut i = from;
    while i + W <= to {
        let block: &[u8; W] = b[i..i + W].try_into().expect("16 bytes");
        // 0xFF where special: one 128-bit value whose lowest set byte is the first hit
        let hits = u128::from_le_bytes(block.map(|c| u8::from(special(c)).wrapping_neg()));
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += W;
    }
    b[i..to]
        .iter()
        .position(|&c| special(c))
        .map_or(to, |p| i + p)
}

/// A window held open for unclosed brackets ends after this many bytes whatever the nesting.
const HOLD_MAX: usize = 16 * 1024;

#[derive(Clone, Copy)]
enum Prev {
    None,
    Punct(u8),
    Ident(Span),
    Other,
}

impl<'w> Sink<'w> {
    fn new(ranges: Option<&'w [(usize, usize)]>) -> Self {
        Sink {
            out: Vec::new(),
            ranges,
            cur: 0,
            in_range: false,
            nest: 0,
            start_nest: 0,
            hold_until: None,
            skipped: false,
            prev: Prev::None,
        }
    }

    /// Should the token starting at `at` be built?
    fn want(&mut self, at: usize) -> bool {
        let Some(ranges) = self.ranges else {
            return true;
        };
        if let Some(limit) = self.hold_until {
            if self.nest > self.start_nest && at < limit {
                return true;
            }
            self.hold_until = None;
        }
        while let Some(&(s, e)) = ranges.get(self.cur) {
            if at >= e {
                self.cur += 1;
                if std::mem::take(&mut self.in_range) && self.nest > self.start_nest {
                    self.hold_until = Some(at + HOLD_MAX);
                    return true;
                }
                continue;
            }
            if at < s {
                break;
            }
            if !self.in_range {
                self.in_range = true;
                self.start_nest = self.nest;
            }
            if std::mem::take(&mut self.skipped) && !self.out.is_empty() {
                self.out.push(Token {
                    kind: Tok::Punct(b';'),
                    span: Span::new(at, at),
                });
            }
            return true;
        }
        self.skipped = true;
        false
    }

    /// Should a token spanning `start..end` be built? Like [`Sink::want`], but a token that
    /// starts before a window and runs into it (a multi-line string) counts too.
    fn want_span(&mut self, start: usize, end: usize) -> bool {
        if self.want(start) {
            return true;
        }
        match self.ranges.and_then(|r| r.get(self.cur)) {
            Some(&(s, _)) if s < end => self.want(s),
            _ => false,
        }
    }

    /// Outside every window (and not held open): how far the lexer may jump without building
    /// anything (the next window's start). `None`: tokens are wanted here.
    fn skip_limit(&mut self, at: usize, len: usize) -> Option<usize> {
        let ranges = self.ranges?;
        if self.hold_until.is_some() || self.in_range {
            return None;
        }
        while ranges.get(self.cur).is_some_and(|r| r.1 <= at) {
            self.cur += 1;
        }
        match ranges.get(self.cur) {
            Some(&(s, _)) if s <= at => None,
            Some(&(s, _)) => Some(s),
            None => Some(len),
        }
    }

    /// Past the last window (and not held open): no token will be built from here on.
    fn done(&self, at: usize) -> bool {
        self.ranges.is_some_and(|r| {
            self.hold_until.is_none() && !self.in_range && r.last().is_none_or(|l| l.1 <= at)
        })
    }

    /// After a jump over `b[from..to]` (identifiers, numbers, plain punctuation, spaces only):
    /// the last token in it, for what a following `/` means.
    fn prev_from_run(&mut self, b: &[u8], from: usize, to: usize) {
        self.skipped = true;
        let Some(last) = b[from..to].iter().rposition(|c| !c.is_ascii_whitespace()) else {
            return;
        };
        let end = from + last + 1;
        if ident_char(b[end - 1]) {
            let start = b[from..end]
                .iter()
                .rposition(|&c| !ident_char(c))
                .map_or(from, |p| from + p + 1);
            self.prev = Prev::Ident(Span::new(start, end));
        } else {
            self.prev = Prev::Punct(b[end - 1]);
        }
    }

    fn push(&mut self, emit: bool, kind: Tok, span: Span) {
        self.prev = match kind {
            Tok::Punct(c) => Prev::Punct(c),
            Tok::Ident => Prev::Ident(span),
            _ => Prev::Other,
        };
        if emit {
            self.out.push(Token { kind, span });
        }
    }

    /// A punctuation byte: tracks bracket depth, then pushes.
    fn punct(&mut self, emit: bool, c: u8, at: usize) {
        match c {
            b'(' | b'[' | b'{' => self.nest += 1,
            b')' | b']' | b'}' => self.nest = self.nest.saturating_sub(1),
            _ => {}
        }
        self.push(emit, Tok::Punct(c), Span::new(at, at + 1));
    }
}

/// Lexes JavaScript / TypeScript (and the script parts of Vue, Svelte, Astro files).
pub fn js(src: &str) -> Vec<Token> {
    js_in(src, None)
}

/// [`js`], building tokens only inside `windows` (sorted, disjoint byte ranges).
pub fn js_in(src: &str, windows: Option<&[(usize, usize)]>) -> Vec<Token> {
    let b = src.as_bytes();
    let mut sink = Sink::new(windows);
    // for each open template `${`, the brace depth at which it closes
    let mut tmpl_stack: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        // outside the windows, jump to the next byte that can change the lexical state
        if let Some(limit) = sink.skip_limit(i, b.len()) {
            if sink.done(i) {
                break;
            }
            let stop = jump(b, i, limit, !tmpl_stack.is_empty());
            if stop > i {
                sink.prev_from_run(b, i, stop);
                i = stop;
                continue;
            }
        }
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |p| i + 2 + p + 2);
            continue;
        }
        let emit = sink.want(i);
        if c == b'\'' || c == b'"' {
            let (value, span, next) = quoted(src, i, c, emit);
            sink.push(
                emit,
                Tok::Str {
                    value,
                    fstring: false,
                },
                span,
            );
            i = next;
            continue;
        }
        if c == b'`' {
            sink.push(emit, Tok::Punct(b'`'), Span::new(i, i + 1));
            i = template_chunk(src, i + 1, &mut sink, &mut tmpl_stack, depth);
            continue;
        }
        if c == b'}' && tmpl_stack.last() == Some(&depth) {
            tmpl_stack.pop();
            sink.punct(emit, b'}', i);
            i = template_chunk(src, i + 1, &mut sink, &mut tmpl_stack, depth);
            continue;
        }
        if c == b'/' && regex_allowed(src, sink.prev) {
            if let Some(end) = regex_end(b, i) {
                sink.push(emit, Tok::Regex, Span::new(i, end));
                i = end;
                continue;
            }
        }
        if ident_start(c) {
            let s = i;
            while i < b.len() && ident_char(b[i]) {
                i += 1;
            }
            sink.push(emit, Tok::Ident, Span::new(s, i));
            continue;
        }
        if c.is_ascii_digit() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            sink.push(emit, Tok::Num, Span::new(s, i));
            continue;
        }
        match c {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        sink.punct(emit, c, i);
        i += 1;
    }
    sink.out
}

/// Scans a template chunk from `i` (just after `` ` `` or the `}` closing an interpolation) to
/// the closing `` ` `` or the next `${`. Returns where lexing resumes.
fn template_chunk(
    src: &str,
    i: usize,
    sink: &mut Sink,
    stack: &mut Vec<usize>,
    depth: usize,
) -> usize {
    let b = src.as_bytes();
    let start = i;
    // find the chunk's end first: a template can run over many lines into a window
    let mut end = i;
    let mut interp = false;
    loop {
        end = memchr::memchr3(b'\\', b'`', b'$', &b[end..]).map_or(b.len(), |p| end + p);
        if end >= b.len() {
            break;
        }
        match b[end] {
            b'\\' => end = (end + 2).min(b.len()),
            b'$' if b.get(end + 1) == Some(&b'{') => {
                interp = true;
                break;
            }
            b'$' => end += 1,
            _ => break,
        }
    }
    let end = end.min(b.len());
    let emit = sink.want_span(start, end.max(start + 1));
    let value = if emit {
        unescape_template(&src[start..end])
    } else {
        String::new()
    };
    sink.push(emit, Tok::Tmpl { value }, Span::new(start, end));
    if end >= b.len() {
        return b.len();
    }
    let emit = sink.want(end);
    if interp {
        sink.nest += 1;
        sink.push(emit, Tok::Punct(b'$'), Span::new(end, end + 2));
        stack.push(depth);
        end + 2
    } else {
        sink.push(emit, Tok::Punct(b'`'), Span::new(end, end + 1));
        end + 1
    }
}

/// A template chunk's text with its simple escapes decoded.
fn unescape_template(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                value.push(unescape(n));
            }
        } else {
            value.push(c);
        }
    }
    value
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

/// A single-line quoted string from `i` (at the quote): (value, content span, where lexing
/// resumes). Unterminated strings end at the line. Without `emit` the value is not built.
fn quoted(src: &str, i: usize, q: u8, emit: bool) -> (String, Span, usize) {
    let b = src.as_bytes();
    let mut j = i + 1;
    // fast path: no escape before the closing quote or the line end
    let k = memchr::memchr3(q, b'\n', b'\\', &b[j..]).map_or(b.len(), |p| j + p);
    if k >= b.len() || b[k] != b'\\' {
        let end = k.min(b.len());
        let next = if end < b.len() && b[end] == q {
            end + 1
        } else {
            end
        };
        let value = if emit {
            src[j..end].to_string()
        } else {
            String::new()
        };
        return (value, Span::new(i + 1, end), next);
    }
    let mut value = String::new();
    if emit {
        value.reserve(k - j + 16);
        value.push_str(&src[j..k]);
    }
    j = k;
    while j < b.len() && b[j] != q && b[j] != b'\n' {
        if b[j] == b'\\' {
            if let Some(ch) = src[j + 1..].chars().next() {
                if ch != '\n' && emit {
                    value.push(unescape(ch));
                }
                j += 1 + ch.len_utf8();
                continue;
            }
        }
        let ch = src[j..].chars().next().unwrap_or('\0');
        if emit {
            value.push(ch);
        }
        j += ch.len_utf8().max(1);
    }
    let end = j.min(b.len());
    let next = if end < b.len() && b[end] == q {
        end + 1
    } else {
        end
    };
    (value, Span::new(i + 1, end), next)
}

fn regex_allowed(src: &str, prev: Prev) -> bool {
    match prev {
        Prev::None => true,
        Prev::Punct(p) => !matches!(p, b')' | b']' | b'}' | b'`'),
        Prev::Ident(span) => REGEX_AFTER_WORDS.contains(&src.get(span.range()).unwrap_or("")),
        Prev::Other => false,
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
    python_in(src, None)
}

/// [`python`], building tokens only inside `windows` (sorted, disjoint byte ranges).
pub fn python_in(src: &str, windows: Option<&[(usize, usize)]>) -> Vec<Token> {
    let b = src.as_bytes();
    let mut sink = Sink::new(windows);
    let mut i = 0;
    while i < b.len() {
        // outside the windows, jump to the next comment or string (with its prefix letters)
        if let Some(limit) = sink.skip_limit(i, b.len()) {
            if sink.done(i) {
                break;
            }
            let mut stop =
                memchr::memchr3(b'#', b'\'', b'"', &b[i..limit]).map_or(limit, |p| i + p);
            if stop < limit && b[stop] != b'#' {
                let mut k = stop;
                while k > i
                    && stop - k < 2
                    && matches!(b[k - 1].to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f')
                {
                    k -= 1;
                }
                if k == i || !ident_char(b[k - 1]) {
                    stop = k;
                }
            }
            if stop > i {
                sink.skipped = true;
                i = stop;
                continue;
            }
        }
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
            continue;
        }
        let emit = sink.want(i);
        // string prefix: up to two of r b u f
        let mut p = i;
        while p < b.len()
            && p - i < 2
            && matches!(b[p].to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f')
        {
            p += 1;
        }
        if p < b.len() && (b[p] == b'\'' || b[p] == b'"') {
            let prefix = &b[i..p];
            let fstring = prefix.iter().any(|c| c.eq_ignore_ascii_case(&b'f'));
            let raw = prefix.iter().any(|c| c.eq_ignore_ascii_case(&b'r'));
            // a triple-quoted string can run over many lines into a window
            let (mut value, span, next) = py_string(src, p, raw, emit);
            let emit = emit || sink.want_span(i, next);
            if emit && value.is_empty() && span.end > span.start {
                value = py_string(src, p, raw, true).0;
            }
            sink.push(emit, Tok::Str { value, fstring }, span);
            i = next;
            continue;
        }
        if ident_start(c) {
            let s = i;
            while i < b.len() && ident_char(b[i]) {
                i += 1;
            }
            sink.push(emit, Tok::Ident, Span::new(s, i));
            continue;
        }
        if c.is_ascii_digit() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            sink.push(emit, Tok::Num, Span::new(s, i));
            continue;
        }
        sink.punct(emit, c, i);
        i += 1;
    }
    sink.out
}

/// A Python string from `i` (at the quote): (value, content span, where lexing resumes).
fn py_string(src: &str, i: usize, raw: bool, emit: bool) -> (String, Span, usize) {
    let b = src.as_bytes();
    let q = b[i];
    let triple = b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q);
    let open = if triple { 3 } else { 1 };
    let start = i + open;
    let mut j = start;
    let mut value = String::new();
    while j < b.len() {
        // the run up to the next byte that matters at once
        let stop = if triple {
            memchr::memchr2(q, b'\\', &b[j..])
        } else {
            memchr::memchr3(q, b'\\', b'\n', &b[j..])
        }
        .map_or(b.len(), |p| j + p);
        if stop > j {
            if emit {
                value.push_str(&src[j..stop]);
            }
            j = stop;
            continue;
        }
        if b[j] == b'\\' && !raw {
            if let Some(ch) = src[j + 1..].chars().next() {
                if emit {
                    value.push(unescape(ch));
                }
                j += 1 + ch.len_utf8();
                continue;
            }
        }
        if triple {
            if b[j] == q && b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q) {
                return (value, Span::new(start, j), j + 3);
            }
        } else if b[j] == q {
            return (value, Span::new(start, j), j + 1);
        } else if b[j] == b'\n' {
            break;
        }
        // a quote inside a triple string, or a backslash in a raw one: one byte, kept
        if emit {
            value.push(b[j] as char);
        }
        j += 1;
    }
    let end = j.min(b.len());
    (value, Span::new(start, end), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn jump_stops_at_the_first_special_byte(
            text in "[a-z /'\"`{}()\n]{0,80}", from in 0usize..80, cut in 0usize..80,
            in_template: bool,
        ) {
            let b = text.as_bytes();
            let to = b.len().saturating_sub(cut);
            let from = from.min(to);
            let set: &[u8] = if in_template { b"'\"`/{}" } else { b"'\"`/" };
            let want = b[from..to].iter().position(|c| set.contains(c)).map_or(to, |p| from + p);
            proptest::prop_assert_eq!(jump(b, from, to, in_template), want);
        }
    }

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
