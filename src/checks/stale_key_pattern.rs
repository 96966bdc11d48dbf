use crate::catalog::{Catalog, Confidence, synth_key};
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::source::Span;

declare_check! {
    /// ## What it does
    /// Finds a regex in the code that validates a provider's key shape
    /// (`/^sk-[a-zA-Z0-9]{48}$/`, `re.compile(r"^sk-[A-Za-z0-9]{48}$")`, zod
    /// `.regex(/^sk-…/)`, `new RegExp("^AIza…")`, pydantic `pattern=`) and tests it against
    /// synthetic keys of every format the catalog says the provider issues today. It reports the
    /// formats it rejects. The regex targets a provider when it accepts some key of that provider
    /// (current or retired) or starts with a prefix only that provider uses; a provider named on
    /// the regex's line (or the two lines around it) narrows the choice. Regexes the `regex`
    /// crate cannot compile (look-around, back-references) stay quiet.
    ///
    /// ## Why it breaks
    /// Key formats change: OpenAI's `sk-` keys of 48 letters and digits became `sk-proj-…` keys
    /// of about 160 characters with `-` and `_` in 2024. A validator written for the old shape
    /// rejects every new key before a request is made: users see "invalid API key" for a key
    /// that works.
    ///
    /// ## Example
    /// ```js
    /// const OPENAI_KEY = /^sk-[a-zA-Z0-9]{48}$/;
    /// ```
    ///
    /// ## Fix
    /// Check only the prefix and that the value is not empty (or drop the check and let the
    /// provider's `401` answer): `/^sk-[A-Za-z0-9_-]+$/`.
    StaleKeyPattern {
        id: "stale-key-pattern",
        category: Format,
        severity: Warning,
        confidence: High,
        summary: "a key-shape regex that rejects a provider's current keys (`sk-proj-…`)",
    }
}

/// Synthetic keys of a format: its example and variants, a few seeds each (one draw of a
/// `{b64url:N}` run may hold no `-` or `_`).
fn samples(f: &crate::catalog::KeyFormat) -> impl Iterator<Item = String> + '_ {
    std::iter::once(&f.example)
        .chain(&f.variants)
        .flat_map(|spec| (1..=6).map(move |seed| synth_key(spec, seed)))
}

/// Providers named in `text` (id or key env name, any case).
fn named(catalog: &Catalog, candidates: &[usize], text: &str) -> Vec<usize> {
    let lower = text.to_ascii_lowercase();
    candidates
        .iter()
        .copied()
        .filter(|&p| {
            let prov = catalog.provider(p);
            lower.contains(&prov.id) || prov.key_env.iter().any(|e| text.contains(e.as_str()))
        })
        .collect()
}

/// The text of the lines holding `span`, with `around` more lines each side.
fn lines_around(text: &str, span: Span, around: usize) -> &str {
    let b = text.as_bytes();
    let e = (span.end as usize).min(b.len());
    let mut from = memchr::memrchr(b'\n', &b[..(span.start as usize).min(e)]).map_or(0, |p| p + 1);
    let mut to = memchr::memchr(b'\n', &b[e..]).map_or(b.len(), |p| e + p + 1);
    for _ in 0..around {
        if from > 0 {
            from = memchr::memrchr(b'\n', &b[..from - 1]).map_or(0, |p| p + 1);
        }
        if to < b.len() {
            to = memchr::memchr(b'\n', &b[to..]).map_or(b.len(), |p| to + p + 1);
        }
    }
    text.get(from..to).unwrap_or("")
}

impl Check for StaleKeyPattern {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(code) = f.facts.code() else { return };
        for kp in &code.key_patterns {
            let Ok(re) = regex::RegexBuilder::new(&kp.pattern).size_limit(1 << 20).build() else {
                continue;
            };
            // providers a key of which starts with the pattern's prefix, or begins it
            let candidates: Vec<usize> = (0..cx.catalog.providers.len())
                .filter(|&p| crate::parse::code::begins_a_key(cx.catalog.provider(p), &kp.prefix))
                .collect();
            let narrowed: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&p| {
                    cx.catalog.provider(p).keys.iter().any(|k| k.example.starts_with(kp.prefix.as_str()))
                })
                .collect();
            let accepts_some = |p: usize| cx.catalog.provider(p).keys.iter().flat_map(samples).any(|k| re.is_match(&k));
            let line = lines_around(&f.source.text, kp.span, 0);
            let near = lines_around(&f.source.text, kp.span, 2);
            let mut named_here = named(cx.catalog, &candidates, line);
            if named_here.is_empty() {
                named_here = named(cx.catalog, &candidates, near);
            }
            let pool = if named_here.is_empty() { &candidates } else { &named_here };
            for &p in pool {
                let only = narrowed == [p];
                if !only && !accepts_some(p) {
                    continue;
                }
                let prov = cx.catalog.provider(p);
                let rejected: Vec<&crate::catalog::KeyFormat> = prov
                    .keys
                    .iter()
                    .filter(|k| k.validator_must_accept && samples(k).any(|s| !re.is_match(&s)))
                    .collect();
                if rejected.is_empty() {
                    continue;
                }
                let shapes: Vec<String> = rejected
                    .iter()
                    .map(|k| {
                        let lit = k.example.split('{').next().unwrap_or("");
                        format!("{} (`{lit}…`)", k.kind)
                    })
                    .collect();
                let confidence = if named_here.contains(&p) || only { Confidence::High } else { Confidence::Medium };
                out.push(
                    Finding::new(
                        &Self::META,
                        Label::new(file, kp.span, format!("rejects current {} keys", prov.name)),
                        format!("this key-shape regex rejects current {} keys: {}; users with a working key are told it is invalid", prov.name, shapes.join(", ")),
                    )
                    .confidence(confidence)
                    .help(format!("check only the prefix (`{}`) and that the key is not empty, or let the provider's 401 answer", kp.prefix))
                    .evidence(format!("{}|{}", prov.id, rejected.iter().map(|k| k.kind.as_str()).collect::<Vec<_>>().join(","))),
                );
            }
        }
    }
}
