//! The literal pass: key literals of the catalog's formats in any committed text file (shell and
//! batch scripts, PowerShell, Makefiles, Markdown, `.properties`, `.ini`, YAML/JSON that is no
//! known config, Go, Java, …), in scripts and READMEs beside what their own front ends read, in
//! notebooks ([`crate::parse::notebook`]) and in the comments of JS/TS and Python code.
//!
//! Hand-written for speed: the walk hands every text file of the tree to [`has_anchor`], one
//! aho-corasick search over the raw bytes for the literal starts of the catalog's key formats
//! (`sk-`, `AIza`, `gsk_`, …), before any UTF-8 check; only a file with a hit is decoded and
//! scanned here. A hit becomes a candidate only when the whole run of key characters around it
//! matches a catalog format exactly (prefix, length and alphabet), so a random-looking hash, a
//! UUID or `sk-learn` never does. A shape several providers share (`sk-` + 32 hex for DeepSeek,
//! DashScope and gateways) counts only when the file names one of them: the name it is assigned
//! to, or a host, env name or SDK of that provider written in the same file. Formats with no
//! literal start (Zhipu's `id.secret`) are searched only in files that name their provider.

use aho_corasick::AhoCorasick;

use crate::catalog::{Catalog, Confidence};
use crate::facts::KeyLiteral;
use crate::source::Span;

/// What the literal pass searches for, built once per catalog from its key formats.
#[derive(Debug)]
pub struct Anchors {
    /// key starts first (`[0, starts)`), then words that name a provider whose format has no
    /// literal start (its key env names and hosts)
    ac: AhoCorasick,
    starts: usize,
    /// the provider each naming word belongs to (index `i - starts`)
    named: Vec<usize>,
}

/// The literal text a key regex starts with (`sk-` of `sk-[a-f0-9]{32}`), if any.
fn leading_literal(regex: &str) -> &str {
    let end = regex
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(regex.len());
    let lit = &regex[..end];
    // a quantifier applies to the last character only: it is not part of every match
    match regex[end..].chars().next() {
        Some('?' | '*' | '{') => &lit[..lit.len().saturating_sub(1)],
        _ => lit,
    }
}

impl Anchors {
    pub fn build(catalog: &Catalog) -> Self {
        let mut starts: Vec<String> = Vec::new();
        let mut named: Vec<(String, usize)> = Vec::new();
        for (pi, p) in catalog.providers.iter().enumerate() {
            for f in &p.keys {
                let lead = f
                    .prefix
                    .as_deref()
                    .unwrap_or_else(|| leading_literal(&f.regex));
                if lead.len() >= 3 {
                    starts.push(lead.to_string());
                } else if !f.needs_context {
                    // no literal start: found only where the file names the provider
                    for q in std::iter::once(pi)
                        .chain(f.shared_with.iter().filter_map(|id| catalog.index_of(id)))
                    {
                        let prov = catalog.provider(q);
                        for w in prov.key_env.iter().chain(&prov.hosts) {
                            named.push((w.clone(), q));
                        }
                    }
                }
            }
        }
        // other issuers' tokens with a literal prefix (`ghp_`, `xoxb-`, `sk_live_`)
        for sec in &catalog.secrets {
            if let Some(p) = sec.prefix.as_deref().filter(|p| p.len() >= 3) {
                starts.push(p.to_string());
            }
        }
        // a start that contains another is found through it (`sk-proj-` through `sk-`)
        let minimal = crate::teddy::minimal(starts);
        named.sort();
        named.dedup_by(|a, b| a.0 == b.0);
        let n = minimal.len();
        let words = minimal
            .into_iter()
            .chain(named.iter().map(|(w, _)| w.clone()));
        Anchors {
            ac: AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(words)
                .expect("internal error: literal-pass anchors"),
            starts: n,
            named: named.into_iter().map(|(_, p)| p).collect(),
        }
    }
}

/// Does this file (raw bytes, before any decoding) hold anything the literal pass looks for?
pub fn has_anchor(bytes: &[u8], catalog: &Catalog) -> bool {
    catalog.text_anchors().ac.is_match(bytes)
}

/// The text pass as a front end: key literals of the whole text.
pub fn parse(text: &str, catalog: &Catalog) -> crate::facts::FileFacts {
    crate::facts::FileFacts {
        literals: scan(text, catalog),
        ..Default::default()
    }
}

/// Key literals anywhere in `text`.
pub fn scan(text: &str, catalog: &Catalog) -> Vec<KeyLiteral> {
    let mut out = Vec::new();
    scan_range(text, 0, text.len(), catalog, &mut out);
    out
}

/// Key literals inside `text[from..to]` (a window of a source file), appended to `out`; their
/// context is judged on the whole text.
pub fn scan_range(
    text: &str,
    from: usize,
    to: usize,
    catalog: &Catalog,
    out: &mut Vec<KeyLiteral>,
) {
    let anchors = catalog.text_anchors();
    let b = text.as_bytes();
    let Some(hay) = text.get(from..to) else {
        return;
    };
    let mut mentions = Mentions::default();
    let mut last_end = from;
    let mut named_hit: Option<usize> = None;
    for m in anchors.ac.find_iter(hay) {
        let pat = m.pattern().as_usize();
        if pat >= anchors.starts {
            named_hit.get_or_insert(anchors.named[pat - anchors.starts]);
            continue;
        }
        let (ms, me) = (from + m.start(), from + m.end());
        let mut s = ms;
        while s > 0 && is_key_byte(b[s - 1]) {
            // `\n` / `\t` escapes in JSON and string literals end a word
            if s >= 2 && b[s - 2] == b'\\' && matches!(b[s - 1], b'n' | b't' | b'r') {
                break;
            }
            s -= 1;
        }
        if s < last_end {
            continue;
        }
        let mut e = me;
        while e < b.len() && is_key_byte(b[e]) {
            e += 1;
        }
        last_end = e;
        // a sentence's full stop is not part of the key
        while e > me && b[e - 1] == b'.' {
            e -= 1;
        }
        if let Some(lit) = candidate(text, s, e, catalog, &mut mentions, None) {
            out.push(lit);
        }
    }
    // formats with no literal start, where the file names their provider
    if let (Some(p), Some(re)) = (named_hit, &catalog.code_anchors().prefixless) {
        for m in re.find_iter(hay) {
            let (s, e) = (from + m.start(), from + m.end());
            let bounded = (s == 0 || !is_key_byte(b[s - 1]) || b[s - 1] == b'.')
                && (e == b.len() || !is_key_byte(b[e]) || b[e] == b'.');
            if bounded
                && !out
                    .iter()
                    .any(|l| l.span.start as usize <= s && s < l.span.end as usize)
            {
                if let Some(lit) = candidate(text, s, e, catalog, &mut mentions, Some(p)) {
                    out.push(lit);
                }
            }
        }
    }
}

/// `text[s..e]` as a key literal, if it has a catalog format and (for a shape several providers
/// share) the file says whose it is.
fn candidate(
    text: &str,
    s: usize,
    e: usize,
    catalog: &Catalog,
    mentions: &mut Mentions,
    named_by_file: Option<usize>,
) -> Option<KeyLiteral> {
    let value = text.get(s..e)?;
    let Some(m) = catalog.classify_key(value, None) else {
        // another issuer's token with its own prefix: the shape says whose it is
        let sec = catalog.classify_secret(value, None)?;
        if catalog.secrets[sec.secret].prefix.is_none() || example_line(text, s) {
            return None;
        }
        let mut lit = KeyLiteral::new(value, Span::new(s, e));
        lit.name = assigned_name(text, s).map(str::to_string);
        return Some(lit);
    };
    if example_line(text, s) {
        return None;
    }
    let mut lit = KeyLiteral::new(value, Span::new(s, e));
    context(text, &mut lit, catalog, mentions);
    let in_candidates = |p: usize| m.candidates.iter().any(|c| catalog.index_of(c) == Some(p));
    if lit.hint.is_none() {
        lit.hint = named_by_file.filter(|&p| in_candidates(p));
    }
    // a shared shape with nothing in the file to say whose it is is not reported
    (m.confidence > Confidence::Low || lit.hint.is_some()).then_some(lit)
}

/// Sets a literal's assigned name and the provider the file names for it.
pub fn context(text: &str, lit: &mut KeyLiteral, catalog: &Catalog, mentions: &mut Mentions) {
    let Some(m) = catalog.classify_key(lit.value.expose(), None) else {
        return;
    };
    let candidates: Vec<usize> = m
        .candidates
        .iter()
        .filter_map(|c| catalog.index_of(c))
        .collect();
    if let Some(name) = assigned_name(text, lit.span.start as usize) {
        let info = crate::roles::name_info(catalog, name);
        if info.role == crate::roles::NameRole::Key {
            lit.name = Some(name.to_string());
            lit.hint = info.slot.filter(|p| candidates.contains(p));
            lit.named = lit.hint.is_some();
        }
    }
    if lit.hint.is_none() && m.confidence == Confidence::Low {
        lit.hint = candidates
            .iter()
            .copied()
            .find(|&p| mentions.names(text, catalog, p));
    }
}

/// Which providers a file names (an env name, host or SDK of theirs), asked once per provider.
#[derive(Default)]
pub struct Mentions(Vec<(usize, bool)>);

impl Mentions {
    fn names(&mut self, text: &str, catalog: &Catalog, p: usize) -> bool {
        if let Some(&(_, yes)) = self.0.iter().find(|(q, _)| *q == p) {
            return yes;
        }
        let prov = catalog.provider(p);
        let sdks = catalog
            .sdks
            .iter()
            .filter(|s| s.provider == prov.id)
            .flat_map(|s| &s.names);
        let yes = prov
            .key_env
            .iter()
            .chain(&prov.base_url_env)
            .chain(&prov.hosts)
            .chain(sdks)
            .any(|w| memchr::memmem::find(text.as_bytes(), w.as_bytes()).is_some());
        self.0.push((p, yes));
        yes
    }
}

/// The name a value at `at` is assigned to on its line: `NAME=`, `export NAME="`, `set NAME=`,
/// `$env:NAME = "`, `NAME: `, `"name": "`, `os.environ["NAME"] = "`, `apiKey: '`.
pub fn assigned_name(text: &str, at: usize) -> Option<&str> {
    let b = text.as_bytes();
    let line = memchr::memrchr(b'\n', &b[..at]).map_or(0, |p| p + 1);
    let mut i = at;
    let back = |i: &mut usize, f: &dyn Fn(u8) -> bool, max: usize| {
        let mut n = 0;
        while *i > line && n < max && f(b[*i - 1]) {
            *i -= 1;
            n += 1;
        }
        n
    };
    back(&mut i, &|c| matches!(c, b'"' | b'\'' | b'`' | b'\\'), 3);
    back(&mut i, &|c| c == b' ' || c == b'\t', 8);
    if back(&mut i, &|c| matches!(c, b'=' | b':' | b'>'), 2) == 0 {
        return None;
    }
    back(&mut i, &|c| c == b' ' || c == b'\t', 8);
    back(
        &mut i,
        &|c| matches!(c, b'"' | b'\'' | b'`' | b'\\' | b']'),
        4,
    );
    let end = i;
    back(&mut i, &|c| c.is_ascii_alphanumeric() || c == b'_', 128);
    (end > i).then(|| &text[i..end])
}

/// Is the line around `at` documentation of a key's shape (`e.g.`, `for example`, `looks like`)?
fn example_line(text: &str, at: usize) -> bool {
    let b = text.as_bytes();
    let from = memchr::memrchr(b'\n', &b[..at]).map_or(0, |p| p + 1);
    let to = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |p| at + p);
    let line = text[from..to].to_ascii_lowercase();
    [
        "example",
        "e.g.",
        "for instance",
        "looks like",
        "such as",
        "format:",
        "placeholder",
        "your key",
        "your api key",
    ]
    .iter()
    .any(|w| line.contains(w))
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::synth_key;

    #[test]
    fn names_before_values() {
        for (line, want) in [
            ("export OPENAI_API_KEY=\"V\"", Some("OPENAI_API_KEY")),
            ("set GEMINI_API_KEY=V", Some("GEMINI_API_KEY")),
            ("$env:GROQ_API_KEY = \"V\"", Some("GROQ_API_KEY")),
            ("  api_key: V", Some("api_key")),
            ("\"apiKey\": \"V\"", Some("apiKey")),
            (
                "os.environ[\"DEEPSEEK_API_KEY\"] = 'V'",
                Some("DEEPSEEK_API_KEY"),
            ),
            ("const KEY = `V`", Some("KEY")),
            ("curl -H \"Authorization: Bearer V\"", None),
            ("V", None),
        ] {
            let at = line.find('V').expect("V");
            assert_eq!(assigned_name(line, at), want, "{line}");
        }
    }

    #[test]
    fn leading_literals() {
        assert_eq!(leading_literal("sk-[a-f0-9]{32}"), "sk-");
        assert_eq!(leading_literal("sk-(?:None-)?[A-Za-z0-9]{20}"), "sk-");
        assert_eq!(leading_literal("[0-9a-f]{32}\\.[A-Za-z0-9]{16}"), "");
        assert_eq!(leading_literal("r8_[A-Za-z0-9_-]{37}"), "r8_");
        assert_eq!(leading_literal("sk-ant-api0\\d-"), "sk-ant-api0");
    }

    #[test]
    fn shapes_and_context() {
        let c = Catalog::builtin().expect("catalog");
        let groq = synth_key("gsk_{alnum:52}", 3);
        let ds = synth_key("sk-{hex:32}", 4);
        let zhipu = synth_key("{hex:32}.{alnum:16}", 5);
        let text = format!(
            "#!/bin/sh\nexport GROQ_API_KEY=\"{groq}\"\n# hashes: sha512-{ds}x 123e4567-e89b-12d3-a456-426614174000\nX={ds}\n"
        );
        let lits = scan(&text, &c);
        // the shared sk-<32 hex> shape is not reported where nothing names its provider
        assert_eq!(lits.len(), 1, "{lits:?}");
        assert_eq!(lits[0].value.expose(), groq);
        assert_eq!(lits[0].name.as_deref(), Some("GROQ_API_KEY"));
        let text = format!("DEEPSEEK_API_KEY={ds}\nsk-learn is a library\n");
        let lits = scan(&text, &c);
        assert_eq!(lits.len(), 1);
        assert_eq!(lits[0].hint, c.index_of("deepseek"));
        let text =
            format!("base = 'https://dashscope.aliyuncs.com/compatible-mode/v1'\nkey = '{ds}'\n");
        assert_eq!(scan(&text, &c)[0].hint, c.index_of("dashscope"));
        // id.secret only where the file names Zhipu
        assert!(scan(&format!("token = '{zhipu}'\n"), &c).is_empty());
        let text = format!("ZHIPUAI_API_KEY = '{zhipu}'\n");
        assert_eq!(scan(&text, &c).len(), 1);
        // documented shapes stay quiet
        assert!(scan(&format!("For example: {groq}\n"), &c).is_empty());
        // JSON escapes end a word
        let text = format!("\"source\": [\"x\\n{groq}\\n\"]");
        assert_eq!(scan(&text, &c).len(), 1);
    }
}
