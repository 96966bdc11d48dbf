//! Value heuristics shared by checks: placeholders, invisible characters, "looks live".

use std::sync::LazyLock;

use regex::Regex;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            <[^>]*> | \[[^\]]*\] |                                   # <YOUR_KEY>, [key]
            .*your[-_ ]?(?:own[-_ ]?)?(?:[a-z]+[-_ ])?(?:api[-_ ]?)?(?:key|token|secret).* |
            .*(?:change[-_ ]?me|replace[-_ ]?me|replace[-_ ]with|insert[-_ ].*|fill[-_ ]?me|put[-_ ].*here).* |
            .*(?:placeholder|dummy|redacted).* |
            (?:sk|pk|gsk|xai|hf|pplx|nvapi|csk|fw|r8)[-_]?(?:[-_.*x]|\.\.\.|…)* |   # sk-, sk-xxxx, sk-...
            .*(?:x{5,}|\*{4,}|\.{3,}|…|_{5,}|0{12,}).* |
            (?:api[-_]?key|key|token|secret|none|null|nil|undefined|empty|string|password|todo|tbd|fixme|xxx|test|testing|example|sample|fake|foo|bar|abc|abc123|123|1234|12345|123456|sk-1234|sk-12345|ollama|lm-studio|lmstudio|not-needed|not_needed|notneeded|no-key|nokey|sk-noop|noop|unused|anything|any|dummy-key|local|default)
        )$",
    )
    .expect("internal error: placeholder regex")
});

/// Is this literal a stand-in rather than a key?
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && (PLACEHOLDER.is_match(v) || low_variety(v))
}

/// `sk-aaaaaaaaaaaa`, `1111-1111`: too few distinct characters to be a random key.
fn low_variety(v: &str) -> bool {
    let body = v.rsplit(['-', '_']).next().unwrap_or(v);
    if body.len() < 12 {
        return false;
    }
    let mut seen = [false; 128];
    let mut distinct = 0;
    for b in body.bytes() {
        let i = (b & 0x7f) as usize;
        if !seen[i] {
            seen[i] = true;
            distinct += 1;
        }
    }
    distinct <= 4
}

/// Characters that break a key inside a header, with a name for the message.
pub fn invisible_problem(value: &str) -> Option<&'static str> {
    if value.starts_with([' ', '\t']) {
        return Some("a leading space or tab");
    }
    if value.ends_with([' ', '\t']) {
        return Some("a trailing space or tab");
    }
    for c in value.chars() {
        let what = match c {
            '\r' => "a carriage return (\\r)",
            '\n' => "a line break",
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {
                "a zero-width character"
            }
            '\u{00A0}' | '\u{202F}' | '\u{2007}' => "a non-breaking space",
            c if c.is_whitespace() && c != ' ' && c != '\t' => "an unusual Unicode space",
            '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' => "a typographic quote",
            _ => continue,
        };
        return Some(what);
    }
    None
}

/// A format-valid value that says it is not a real key (`…test…`, `…fake…`, `…1234567…`,
/// `…abcdefgh…`): test doubles and documentation.
pub fn looks_fake(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    [
        "fake",
        "test",
        "dummy",
        "example",
        "sample",
        "placeholder",
        "xxxx",
        "0000",
        "1234567",
        "abcdefgh",
        "redacted",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// Does a value that matched a key format look like a real, live key (not a placeholder)?
pub fn looks_live(value: &str) -> bool {
    let v = value.trim();
    v.len() >= 20 && !is_placeholder(v) && invisible_problem(value).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for v in [
            "your-api-key-here",
            "<YOUR_KEY>",
            "sk-xxxx",
            "sk-...",
            "sk-…",
            "changeme",
            "YOUR_OPENAI_API_KEY",
            "sk-xxxxxxxxxxxxxxxxxxxxxxxx",
            "replace-with-your-key",
            "dummy",
            "ollama",
            "sk-or-v1-xxxxxxxx",
            "sk-aaaaaaaaaaaaaaaaaaaa",
            "sk-********",
            "test",
            "insert-key-here",
            "[your key]",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in [
            "sk-or-v1-3f9a0b",
            "gsk_8Hq2LmZ0pX4vR7tY1uWc",
            "a1b2c3d4e5f6a7b8c9d0e1f2",
            "production",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn invisibles() {
        assert_eq!(invisible_problem("abc "), Some("a trailing space or tab"));
        assert_eq!(
            invisible_problem("ab\u{200B}c"),
            Some("a zero-width character")
        );
        assert_eq!(invisible_problem("abc\r"), Some("a carriage return (\\r)"));
        assert_eq!(invisible_problem("abc"), None);
    }
}
