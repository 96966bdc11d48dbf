//! Secret values never leave keylint in full.
//!
//! [`SecretStr`] holds a value that may be a key: its `Debug` and `Display` print the redacted
//! form, so a stray `{:?}` in a log or a panic cannot leak it. [`redact`] is the one place that
//! decides what a redacted value looks like (`sk-or-v1-3f…(73 chars)`), and [`Masker`] rewrites a
//! file's text so the snippet miette draws shows the same redacted form over the secret's span.

use crate::source::Span;

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

/// Known key prefixes shown in the clear: they name the provider and carry no secret.
const PREFIXES: &[&str] = &[
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

static PREFIX_FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(PREFIXES)
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

/// The redacted form of a value: known prefix, two more characters, the total length.
/// Values of 8 characters or fewer show nothing but their length.
pub fn redact(value: &str) -> String {
    let len = value.chars().count();
    if len <= 8 {
        return format!("…({len} chars)");
    }
    let prefix = PREFIXES
        .iter()
        .find(|p| value.starts_with(*p))
        .map_or(0, |p| p.len());
    // Never reveal more than a quarter of the value.
    let shown: String = value[prefix..].chars().take(2).collect();
    let head = &value[..prefix];
    let visible = head.chars().count() + shown.chars().count();
    if visible * 4 > len {
        let short: String = value.chars().take(2).collect();
        return format!("{short}…({len} chars)");
    }
    format!("{head}{shown}…({len} chars)")
}

/// Rewrites text so that secret spans show their redacted form; maps offsets across the change.
#[derive(Debug, Default)]
pub struct Masker {
    /// Sorted, non-overlapping (original span, replacement).
    edits: Vec<(Span, String)>,
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
        Masker { edits }
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
        let mut delta: isize = 0;
        for (span, replacement) in &self.edits {
            let (s, e) = (span.start as usize, span.end as usize);
            if offset <= s {
                break;
            }
            if offset < e || (offset == e && !is_end) {
                let base = (s as isize + delta) as usize;
                return if is_end {
                    base + replacement.len()
                } else {
                    base
                };
            }
            delta += replacement.len() as isize - (e - s) as isize;
        }
        (offset as isize + delta) as usize
    }
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
