//! `keylint rules` and `keylint explain <id>`: everything from [`Meta`], nothing by hand.

use std::io::Write;

use crate::checks::{ALL, Meta};

pub fn rules(out: &mut dyn Write) -> std::io::Result<()> {
    let width = ALL.iter().map(|c| c.meta().id.len()).max().unwrap_or(0);
    writeln!(
        out,
        "{:width$}  {:11}  {:8}  summary",
        "id", "category", "severity"
    )?;
    for c in ALL {
        let m = c.meta();
        writeln!(
            out,
            "{:width$}  {:11}  {:8}  {}",
            m.id,
            m.category.as_str(),
            format!(
                "{}{}",
                m.severity.as_str(),
                if m.varies.is_some() { "*" } else { "" }
            ),
            m.summary
        )?;
    }
    writeln!(out, "\n* the severity some findings carry instead:")?;
    for c in ALL {
        let m = c.meta();
        if let Some((sev, when)) = m.varies {
            writeln!(out, "  {:width$}  {} {when}", m.id, sev.as_str())?;
        }
    }
    Ok(())
}

/// `rules --format json`: every check's metadata, for tools and editors.
pub fn rules_json(out: &mut dyn Write) -> std::io::Result<()> {
    let list: Vec<serde_json::Value> = ALL
        .iter()
        .map(|c| {
            let m = c.meta();
            let mut v = serde_json::json!({
                "id": m.id,
                "category": m.category.as_str(),
                "severity": m.severity.as_str(),
                "confidence": m.confidence.as_str(),
                "summary": m.summary,
                "url": m.url(),
            });
            if let Some((sev, when)) = m.varies {
                v["varies"] = serde_json::json!({ "severity": sev.as_str(), "when": when });
            }
            v
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}

/// "error", or "error (warning when …)" for a check whose findings may carry another one.
fn severity_text(m: &Meta) -> String {
    match m.varies {
        Some((sev, when)) => format!("{} ({} {when})", m.severity.as_str(), sev.as_str()),
        None => m.severity.as_str().to_string(),
    }
}

pub fn explain(m: &Meta, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# {}\n", m.id)?;
    writeln!(
        out,
        "{}\ncategory: {} · default severity: {} · confidence: {}\n",
        m.summary,
        m.category.as_str(),
        severity_text(m),
        m.confidence.as_str()
    )?;
    writeln!(out, "{}", m.doc_text())?;
    if m.category == crate::finding::Category::Exposure {
        public_by_design(out)?;
    }
    Ok(())
}

/// The catalog's public-by-design values, with why they are not secrets: the exposure checks
/// leave them alone.
fn public_by_design(out: &mut dyn Write) -> std::io::Result<()> {
    let Ok(catalog) = crate::catalog::Catalog::builtin() else {
        return Ok(());
    };
    let p = &catalog.public_by_design;
    writeln!(out, "\n## Public by design (not reported)")?;
    for k in &p.kinds {
        let mut how: Vec<String> = k.value_prefixes.iter().map(|v| format!("`{v}…`")).collect();
        how.extend(k.name_words.iter().map(|w| format!("`*{w}*`")));
        writeln!(out, "- {} ({}): {}", k.what, how.join(", "), k.reason)?;
    }
    for c in &p.contexts {
        writeln!(
            out,
            "- {} (`{}…` near {}): {}",
            c.what,
            c.prefix,
            c.near
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", "),
            c.reason
        )?;
    }
    // the generic words: those no product above claims
    let generic: Vec<String> = p
        .name_words
        .iter()
        .filter(|w| !p.kinds.iter().any(|k| k.name_words.contains(w)))
        .map(|w| format!("`{w}`"))
        .collect();
    writeln!(
        out,
        "- variables whose name holds {}: identifiers, URLs and public keys",
        generic.join(", ")
    )?;
    writeln!(
        out,
        "\n## Other secrets recognised (rules/secrets.toml)\nReported like LLM keys, named by issuer; never judged against an LLM endpoint."
    )?;
    let mut issuers: Vec<String> = Vec::new();
    for s in &catalog.secrets {
        let shape = s.prefix.as_ref().map_or_else(
            || format!("under {}", s.names.join(", ")),
            |p| format!("`{p}…`"),
        );
        let shape = match &s.jwt_role {
            Some(role) => format!("a JWT whose role is `{role}`"),
            None => shape,
        };
        let line = format!("- {} {} ({shape})", s.issuer, s.kind);
        if !issuers.contains(&line) {
            issuers.push(line);
        }
    }
    for l in issuers {
        writeln!(out, "{l}")?;
    }
    Ok(())
}

/// `docs/checks.md`: every check's documentation, generated from the checks themselves (a test
/// fails when the committed file is stale; `KEYLINT_UPDATE_DOCS=1 cargo test --test cli` rewrites it).
pub fn checks_markdown() -> String {
    let mut s = String::from(
        "# keylint checks\n\n<!-- generated from the checks' doc comments: do not edit; run `KEYLINT_UPDATE_DOCS=1 cargo test --test cli` -->\n\n| id | category | severity | summary |\n| --- | --- | --- | --- |\n",
    );
    for c in ALL {
        let m = c.meta();
        s.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} |\n",
            m.id,
            m.id,
            m.category.as_str(),
            m.severity.as_str(),
            m.summary
        ));
    }
    for c in ALL {
        let m = c.meta();
        s.push_str(&format!(
            "\n## {}\n\n*{} · default severity {} · {} confidence*\n\n{}\n\nSuppress one finding with `# keylint: ignore[{}] reason`, or all with `checks.disable = [\"{}\"]`.\n",
            m.id,
            m.category.as_str(),
            severity_text(m),
            m.confidence.as_str(),
            format!("\n{}", m.doc_text()).replace("\n## ", "\n### ").trim_start(),
            m.id,
            m.id
        ));
    }
    s
}
