//! Secret values never leave keylint in full.
//!
//! [`SecretStr`] holds a value that may be a key: its `Debug` and `Display` print the redacted
//! form, so a stray `{:?}` in a log or a panic cannot leak it. [`redact`] is the one place that
//! decides what a redacted value looks like (`sk-or-v1-3f…(73 chars)`), and [`Masker`] rewrites a
//! file's text so the snippet miette draws shows the same redacted form over the secret's span.
//!
//! Recognition is not enough: a key of a format the catalog does not know, or one sitting where
//! no front end looks (a comment, an MCP `args` entry, a file name, a config error), would be
//! printed as it is. [`scrub`] is the one masker every printed string goes through: it hides
//! key-shaped runs (known prefixes) *and* random-looking runs of key characters, judged by the
//! shape in `rules/redaction.toml`, so ordinary identifiers, URLs and model ids stay readable.
//! [`escape_controls`] and [`Masker::for_display`] keep control characters from scanned content
//! (ESC, OSC, BEL, a bare CR) away from the terminal. Hand-written: both need our spans (the
//! masked snippet must map label offsets) and run over every shown line.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::source::Span;

/// The shape of a random-looking run (`rules/redaction.toml`).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    pub min_len: usize,
    pub min_entropy: f64,
    pub word_run_share: f64,
    pub word_vowel_share: f64,
    pub word_max_digit_share: f64,
}

pub static SHAPE: LazyLock<Shape> = LazyLock::new(|| {
    toml::from_str(include_str!("../rules/redaction.toml"))
        .expect("internal error: rules/redaction.toml is checked by a unit test")
});

/// A possibly secret string. Read it with [`SecretStr::expose`]; print it and you get [`redact`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretStr(String);

impl SecretStr {
    pub fn new(s: impl Into<String>) -> Self {
        SecretStr(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretStr({})", redact(&self.0))
    }
}

impl std::fmt::Display for SecretStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

/// Known LLM key prefixes shown in the clear: they name the provider and carry no secret.
const LLM_PREFIXES: &[&str] = &[
    "sk-ant-api03-",
    "sk-ant-api04-",
    "sk-ant-admin01-",
    "sk-ant-oat01-",
    "sk-ant-ort01-",
    "sk-or-v1-",
    "sk-proj-",
    "sk-svcacct-",
    "sk-service-",
    "sk-admin-",
    "sk-None-",
    "sk-kimi-",
    "tgp_v1_",
    "api_org_",
    "nvapi-",
    "pplx-",
    "gsk_",
    "xai-",
    "csk-",
    "hf_",
    "r8_",
    "fw_",
    "AIza",
    "sk-",
];

/// The prefixes of the other secrets (`rules/secrets.toml`: `ghp_`, `sk_live_`, `xox`, `eyJ`…),
/// read from the same data the catalog loads, so a new `[[secret]]` is masked without an edit
/// here.
#[derive(serde::Deserialize)]
struct SecretPrefixes {
    #[serde(default)]
    secret: Vec<SecretPrefix>,
}
#[derive(serde::Deserialize)]
struct SecretPrefix {
    #[serde(default)]
    prefix: Option<String>,
}

/// Every known prefix, longest first (so `redact` keeps the most specific one).
static PREFIXES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let secrets: SecretPrefixes = toml::from_str(crate::catalog::SECRETS)
        .expect("internal error: rules/secrets.toml is checked by a unit test");
    let mut v: Vec<String> = LLM_PREFIXES.iter().map(|p| p.to_string()).collect();
    // shown up to its last `-`/`_`: PyPI's `pypi-AgEIcHlwaS5vcmc` (base64 of the location) is a
    // search prefix, and shown whole with two more characters it would look random itself
    v.extend(secrets.secret.into_iter().filter_map(|s| s.prefix).map(
        |p| match p.rfind(['-', '_']) {
            Some(i) if i + 1 < p.len() => p[..=i].to_string(),
            _ => p,
        },
    ));
    v.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    v.dedup();
    v
});

static PREFIX_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(PREFIXES.iter())
            .expect("internal error: key prefixes")
    });

/// Spans of key-shaped tokens anywhere in `text`: a known prefix plus 12 or more key
/// characters. The safety net under every snippet, whatever the front end understood.
///
/// A prefix glued to the word before it (`namesk-or-v1-…`, found by fuzzing) is still a key
/// when what follows looks random (holds a digit); `task-manager-settings` is not.
pub fn key_shaped_spans(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let is_key = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    let mut out = Vec::new();
    let mut last = 0;
    for m in PREFIX_FINDER.find_iter(text) {
        if m.start() < last {
            continue;
        }
        let mut e = m.end();
        while e < b.len() && is_key(b[e]) {
            e += 1;
        }
        let tail = &b[m.end()..e];
        let glued = m.start() > 0 && is_key(b[m.start() - 1]);
        if tail.len() >= 12 && (!glued || tail.iter().any(u8::is_ascii_digit)) {
            out.push(Span::new(m.start(), e));
            last = e;
        }
    }
    out
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')
}

/// Spans of runs of key characters (letters, digits, `-_.`) that hold a random-looking
/// segment: the safety net for keys of formats nobody recognised.
pub fn random_spans(text: &str) -> Vec<Span> {
    let shape = &*SHAPE;
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_key_char(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_key_char(b[i]) {
            i += 1;
        }
        if i - start < shape.min_len {
            continue;
        }
        let run = &b[start..i];
        if run
            .split(|c| matches!(c, b'-' | b'_' | b'.'))
            .any(|seg| looks_random(seg, shape))
        {
            out.push(Span::new(start, i));
        }
    }
    out
}

/// One segment (letters and digits only) of a run: long, mixed, high-entropy and not word-like.
fn looks_random(seg: &[u8], shape: &Shape) -> bool {
    if seg.len() < shape.min_len {
        return false;
    }
    let lower = seg.iter().filter(|c| c.is_ascii_lowercase()).count();
    let upper = seg.iter().filter(|c| c.is_ascii_uppercase()).count();
    let digits = seg.len() - lower - upper;
    if [lower, upper, digits].iter().filter(|&&n| n > 0).count() < 2 {
        return false;
    }
    let mut counts = [0u32; 128];
    for &c in seg {
        counts[usize::from(c & 0x7f)] += 1;
    }
    let n = seg.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&k| k > 0)
        .map(|&k| {
            let p = f64::from(k) / n;
            -p * p.log2()
        })
        .sum();
    entropy >= shape.min_entropy && !word_like(seg, digits, shape)
}

/// Identifiers: mostly lowercase runs of 3+ (one capital in front), vowels among the letters,
/// few digits. Random keys are none of these.
fn word_like(seg: &[u8], digits: usize, shape: &Shape) -> bool {
    let n = seg.len() as f64;
    if digits as f64 > shape.word_max_digit_share * n {
        return false;
    }
    let letters = seg.len() - digits;
    let vowels = seg.iter().filter(|c| b"aeiouAEIOU".contains(c)).count();
    if letters == 0 || (vowels as f64) < shape.word_vowel_share * letters as f64 {
        return false;
    }
    // characters inside `[A-Z]?[a-z]{3,}` runs
    let mut in_words = 0;
    let mut i = 0;
    while i < seg.len() {
        let cap = usize::from(seg[i].is_ascii_uppercase());
        let mut j = i + cap;
        while j < seg.len() && seg[j].is_ascii_lowercase() {
            j += 1;
        }
        if j - i - cap >= 3 {
            in_words += j - i;
            i = j;
        } else {
            i += 1;
        }
    }
    in_words as f64 >= shape.word_run_share * n
}

/// Every span of `text` that may be a secret by its look alone.
pub fn secret_like_spans(text: &str) -> Vec<Span> {
    let mut spans = key_shaped_spans(text);
    spans.extend(random_spans(text));
    spans
}

/// The one masker for printed text: key-shaped and random-looking runs redacted.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let spans = secret_like_spans(text);
    if spans.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(Masker::new(text, spans).apply(text))
    }
}

/// A character that must not reach a terminal as it is: C0 and C1 controls, DEL, and the
/// bidirectional overrides that reorder what a reader sees. Tab and newline are layout.
fn unsafe_char(c: char, keep_newlines: bool) -> bool {
    (c.is_control() && c != '\t' && !(keep_newlines && c == '\n'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn escaped(c: char) -> String {
    format!("\\u{{{:x}}}", u32::from(c))
}

/// `text` with every control character spelled out (`\u{1b}`); newlines kept when asked.
pub fn escape_controls(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| unsafe_char(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c, keep_newlines) {
            out.push_str(&escaped(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// What a terminal may show of text that came from a scanned repository or the command line:
/// secrets masked, controls spelled out (newlines too).
pub fn display(text: &str) -> String {
    escape_controls(&scrub(text), false).into_owned()
}

/// The redacted form of a value: known prefix, two more characters, the total length.
/// Values of 8 characters or fewer show nothing but their length.
pub fn redact(value: &str) -> String {
    let len = value.chars().count();
    if len <= 8 {
        return format!("…({len} chars)");
    }
    let prefix = PREFIXES
        .iter()
        .find(|p| value.starts_with(p.as_str()))
        .map_or(0, |p| p.len());
    // Never reveal more than a quarter of the value.
    let shown: String = value[prefix..].chars().take(2).collect();
    if shown.chars().any(char::is_control) {
        return format!("…({len} chars)");
    }
    let head = &value[..prefix];
    let visible = head.chars().count() + shown.chars().count();
    if visible * 4 > len {
        let short: String = value.chars().take(2).collect();
        if short.chars().any(char::is_control) {
            return format!("…({len} chars)");
        }
        return format!("{short}…({len} chars)");
    }
    format!("{head}{shown}…({len} chars)")
}

/// Rewrites text so that secret spans show their redacted form; maps offsets across the change.
#[derive(Debug, Default)]
pub struct Masker {
    /// Sorted, non-overlapping (original span, replacement).
    edits: Vec<(Span, String)>,
    /// `shift[i]`: how far the edits before `edits[i]` move later text (length change sum), so
    /// [`Masker::map`] is a binary search, not a walk over every edit
    shift: Vec<isize>,
}

impl Masker {
    pub fn new(text: &str, mut secrets: Vec<Span>) -> Self {
        secrets.sort();
        let mut edits: Vec<(Span, String)> = Vec::new();
        for span in secrets {
            if span.is_empty() || text.get(span.range()).is_none() {
                continue;
            }
            if let Some((last, _)) = edits.last_mut() {
                if span.start < last.end {
                    // overlap: widen the previous edit
                    last.end = last.end.max(span.end);
                    let widened = *last;
                    edits.pop();
                    edits.push((widened, String::new()));
                    continue;
                }
            }
            edits.push((span, String::new()));
        }
        for (span, replacement) in &mut edits {
            *replacement = redact(&text[span.range()]);
        }
        Masker::with_edits(edits)
    }

    fn with_edits(edits: Vec<(Span, String)>) -> Self {
        let mut shift = Vec::with_capacity(edits.len() + 1);
        let mut acc = 0isize;
        for (span, rep) in &edits {
            shift.push(acc);
            acc += rep.len() as isize - span.len() as isize;
        }
        shift.push(acc);
        Masker { edits, shift }
    }

    /// [`Masker::new`] plus every control character outside the secrets spelled out
    /// (`\u{1b}`), so a snippet drawn from the masked text cannot drive the terminal. A CR
    /// before LF is line layout and stays.
    pub fn for_display(text: &str, secrets: Vec<Span>) -> Self {
        let m = Self::new(text, secrets);
        let b = text.as_bytes();
        let mut controls = Vec::new();
        for (i, c) in text.char_indices() {
            if unsafe_char(c, true) && !(c == '\r' && b.get(i + 1) == Some(&b'\n')) {
                controls.push((Span::new(i, i + c.len_utf8()), escaped(c)));
            }
        }
        if controls.is_empty() {
            return m;
        }
        // secrets win over the controls inside them
        let mut merged = Vec::with_capacity(m.edits.len() + controls.len());
        let mut secrets = m.edits.into_iter().peekable();
        for (span, rep) in controls {
            while let Some((s, _)) = secrets.peek() {
                if s.end <= span.start {
                    merged.extend(secrets.next());
                } else {
                    break;
                }
            }
            if secrets.peek().is_some_and(|(s, _)| s.start <= span.start) {
                continue;
            }
            merged.push((span, rep));
        }
        merged.extend(secrets);
        Self::with_edits(merged)
    }

    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (span, replacement) in &self.edits {
            out.push_str(&text[at..span.start as usize]);
            out.push_str(replacement);
            at = span.end as usize;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Where an original offset lands in the masked text. Offsets inside a secret map to the
    /// start of its replacement (or its end, for span ends).
    pub fn map(&self, offset: usize, is_end: bool) -> usize {
        // the edits that start before `offset`; the last of them may contain it
        let i = self
            .edits
            .partition_point(|(span, _)| (span.start as usize) < offset);
        if i > 0 {
            let (span, replacement) = &self.edits[i - 1];
            let (s, e) = (span.start as usize, span.end as usize);
            if offset < e || (offset == e && !is_end) {
                let base = (s as isize + self.shift.get(i - 1).copied().unwrap_or(0)) as usize;
                return if is_end {
                    base + replacement.len()
                } else {
                    base
                };
            }
        }
        (offset as isize + self.shift.get(i).copied().unwrap_or(0)) as usize
    }
}

/// Free text that may quote a file (a parser's message) with every long token and key-shaped
/// run redacted.
pub fn sanitize(text: &str) -> String {
    let mut spans = long_tokens(text, Span::new(0, text.len()));
    spans.extend(crate::redact::secret_like_spans(text));
    Masker::new(text, spans).apply(text)
}

/// Tokens of 12+ characters inside `span` that are not SCREAMING_SNAKE names.
pub fn long_tokens(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let Some(slice) = text.get(span.range()) else {
        return out;
    };
    let mut start = None;
    let is_sep = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '=' | '"' | '\'' | ':' | '#' | '`' | ';' | ',' | '(' | ')' | '[' | ']'
            )
    };
    for (i, c) in slice
        .char_indices()
        .chain(std::iter::once((slice.len(), ' ')))
    {
        match (start, is_sep(c)) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                let tok = &slice[s..i];
                let name_like = tok
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if tok.len() >= 12 && !name_like {
                    out.push(Span::new(span.start as usize + s, span.start as usize + i));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_prefix_and_length_only() {
        let key = format!("sk-or-v1-{}", "3f".repeat(32));
        assert_eq!(redact(&key), "sk-or-v1-3f…(73 chars)");
        assert_eq!(redact("short"), "…(5 chars)");
        assert_eq!(redact("abcdefghijklmnop"), "ab…(16 chars)");
        // a long prefix on a short value does not give the value away
        assert_eq!(redact("sk-or-v1-abc"), "sk…(12 chars)");
        assert_eq!(
            format!("{:?}", SecretStr::new(key.clone())),
            "SecretStr(sk-or-v1-3f…(73 chars))"
        );
        assert!(!format!("{}", SecretStr::new(key.clone())).contains(&key[12..]));
    }

    #[test]
    fn every_catalog_prefix_and_secret_example_is_masked() {
        let c = crate::catalog::Catalog::builtin().expect("catalog");
        // `T3BlbkFJ` is the marker inside OpenAI keys, not a prefix
        for p in c.key_prefixes().into_iter().filter(|p| p != "T3BlbkFJ") {
            assert!(
                PREFIXES.iter().any(|q| p.starts_with(q.as_str())),
                "key prefix `{p}` is not a redaction prefix"
            );
        }
        for (i, s) in c.secrets.iter().enumerate() {
            let key = crate::catalog::synth_key(&s.example, 40 + i as u64);
            let line = format!("the token is {key} here");
            let out = scrub(&line);
            // the prefix and two more characters are shown by design
            let shown = s.prefix.as_ref().map_or(0, String::len) + 2;
            for w in key.as_bytes()[shown..].windows(12) {
                let w = std::str::from_utf8(w).expect("ascii");
                assert!(!out.contains(w), "{}: `{w}` survives in {out}", s.id);
            }
            assert!(!redact(&key).contains(&key[key.len() / 2..]), "{}", s.id);
        }
    }

    #[test]
    fn masker_maps_offsets() {
        let text = "A=abcdefghijklmnopqrstuvwxyz\nB=1\n";
        let m = Masker::new(text, vec![Span::new(2, 28)]);
        let masked = m.apply(text);
        assert_eq!(masked, "A=ab…(26 chars)\nB=1\n");
        assert_eq!(m.map(2, false), 2);
        assert_eq!(m.map(28, true), 2 + "ab…(26 chars)".len());
        let b = text.find("B=").expect("B");
        assert_eq!(&masked[m.map(b, false)..m.map(b + 3, true)], "B=1");
    }

    #[test]
    fn redaction_shape_data_loads() {
        assert!(SHAPE.min_len >= 12 && SHAPE.min_entropy > 2.0);
    }

    fn synth(alphabet: &[u8], n: usize, seed: u64) -> String {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize] as char
            })
            .collect()
    }

    #[test]
    fn random_runs_are_masked_identifiers_are_not() {
        let alnum = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for seed in 1..200 {
            for key in [
                synth(b"0123456789abcdef", 32, seed),
                synth(alnum, 32, seed),
                synth(alnum, 40, seed),
                format!(
                    "{}.{}",
                    synth(b"0123456789abcdef", 32, seed),
                    synth(alnum, 16, seed)
                ),
            ] {
                let text = format!("see ${{{key}}} and ?key={key}&x=1");
                let out = scrub(&text);
                assert!(!out.contains(&key[..20]), "{key} leaked: {out}");
            }
        }
        for keep in [
            "dangerouslyAllowBrowser: true",
            "NEXT_PUBLIC_OPENAI_API_KEY",
            "process.env.NEXT_PUBLIC_OPENAI_API_KEY",
            "createOpenAICompatible({ baseURL })",
            "model: claude-3-5-sonnet-20241022",
            "gpt-4o-mini-2024-07-18",
            "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo",
            "https://api.openai.com/v1/chat/completions",
            "id 550e8400-e29b-41d4-a716-446655440000",
            "streamingResponseHandler useOpenAIv2Compatible",
            "docker-compose.override.yml",
        ] {
            assert_eq!(scrub(keep), keep);
        }
    }

    #[test]
    fn controls_are_spelled_out() {
        assert_eq!(
            escape_controls("a\x1b]52;c;x\x07b", true),
            "a\\u{1b}]52;c;x\\u{7}b"
        );
        assert_eq!(escape_controls("a\nb\tc", true), "a\nb\tc");
        assert_eq!(escape_controls("a\nb", false), "a\\u{a}b");
        assert_eq!(
            escape_controls("x\u{9b}y\u{202e}z", true),
            "x\\u{9b}y\\u{202e}z"
        );
        let text = "A=1\x1b[2J\r\nB=\x1bsecretsecretsecret\r\n";
        let s = text.find("\x1bsecret").expect("secret");
        let m = Masker::for_display(text, vec![Span::new(s, text.len() - 2)]);
        let shown = m.apply(text);
        assert!(!shown.contains('\x1b'), "{shown:?}");
        assert!(shown.contains("A=1\\u{1b}[2J\r\n"), "{shown:?}");
        assert!(!shown.contains("secretsecret"), "{shown:?}");
        assert_eq!(redact("\x1b[2Jabcdefghijkl"), "…(16 chars)");
    }

    #[test]
    fn key_shaped_spans_catch_glued_keys_but_not_words() {
        let key = format!("sk-or-v1-{}", "3f".repeat(32));
        let text = format!("ARG X_name{key}full and task-manager-settings-page");
        let spans = key_shaped_spans(&text);
        assert_eq!(spans.len(), 1, "{spans:?}");
        let masked = Masker::new(&text, spans).apply(&text);
        assert!(!masked.contains(&key[12..]), "{masked}");
        assert!(masked.contains("task-manager-settings-page"));
        // an already redacted form is left as it is
        let shown = redact(&format!("sk-ant-api03-{}", "wE".repeat(50)));
        assert!(key_shaped_spans(&shown).is_empty(), "{shown}");
    }
}
