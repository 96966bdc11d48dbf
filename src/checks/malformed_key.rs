use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles;
use crate::values::{invisible_problem, is_placeholder};

declare_check! {
    /// ## What it does
    /// Finds values that start with a provider's key prefix but do not have that provider's key
    /// format (wrong length or characters: truncated, or two keys glued together), and key values
    /// that start with `Bearer `.
    ///
    /// ## Why it breaks
    /// A truncated key is rejected with `401`. SDKs add `Bearer ` themselves, so a value that
    /// already has it is sent as `Bearer Bearer sk-…`.
    ///
    /// ## Example
    /// ```sh
    /// OPENROUTER_API_KEY=sk-or-v1-3f9a   # cut short
    /// OPENAI_API_KEY="Bearer sk-proj-…"
    /// ```
    ///
    /// ## Fix
    /// Copy the full key again from the provider's console; drop the `Bearer ` prefix.
    MalformedKey {
        id: "malformed-key",
        category: Format,
        severity: Error,
        confidence: Medium,
        summary: "a key with its provider's prefix but the wrong length or characters, or a `Bearer ` prefix",
    }
}

/// "sk-or-v1- followed by 64 hex characters", from a generator spec.
fn describe(spec: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = spec;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(format!("`{}`", &rest[..open]));
        }
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let (class, n) = rest[open + 1..close].split_once(':').unwrap_or(("alnum", "?"));
        let class = match class {
            "hex" => "hex",
            "b64url" => "letter, digit, - or _",
            "lower" => "lower-case letter or digit",
            "alpha" => "letter",
            _ => "letter or digit",
        };
        parts.push(format!("{n} {class} characters"));
        rest = rest.get(close + 1..).unwrap_or("");
    }
    if !rest.is_empty() {
        parts.push(format!("`{rest}`"));
    }
    parts.join(" + ")
}

impl Check for MalformedKey {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        for (a, info) in f.facts.assignments.iter().zip(&f.info) {
            let Some(raw) = a.literal() else { continue };
            let value = raw.trim();
            if invisible_problem(raw).is_some() || is_placeholder(value) {
                continue;
            }
            if let Some(rest) = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")) {
                if roles::is_llm_key_name(cx.catalog, &info.name) || cx.catalog.classify_key(rest.trim(), None).is_some() {
                    out.push(
                        Finding::new(&Self::META, Label::new(file, a.value_span, "starts with `Bearer `"), format!("`{}` starts with `Bearer `: SDKs add it again", a.name))
                            .confidence(crate::catalog::Confidence::High)
                            .help("store the bare key; the SDK builds the Authorization header")
                            .evidence(format!("{}|bearer", a.name)),
                    );
                }
                continue;
            }
            if info.key.is_some() {
                continue;
            }
            let Some(id) = cx.catalog.format_by_prefix(value) else { continue };
            let fmt = cx.catalog.format(id);
            // short prefixes (`hf_`, `fw_`) occur in ordinary values: require a key-like name
            let short = fmt.prefix.as_deref().is_some_and(|p| p.len() < 6);
            if short && !roles::is_llm_key_name(cx.catalog, &info.name) {
                continue;
            }
            let prov = cx.catalog.provider(id.provider);
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(file, a.value_span, format!("not a valid {} key", prov.name)),
                    format!(
                        "`{}` starts like {} {} but is {} characters, not the format `{}` + …",
                        a.name,
                        crate::finding::a(&prov.name),
                        fmt.kind,
                        value.chars().count(),
                        fmt.prefix.as_deref().unwrap_or("")
                    ),
                )
                .help(format!("copy the whole key again; expected {}", describe(&fmt.example)))
                .evidence(format!("{}|{}", a.name, prov.id)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn describes_specs() {
        assert_eq!(super::describe("sk-or-v1-{hex:64}"), "`sk-or-v1-` + 64 hex characters");
    }
}
