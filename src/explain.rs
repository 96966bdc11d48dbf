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
            m.severity.as_str(),
            m.summary
        )?;
    }
    Ok(())
}

pub fn explain(m: &Meta, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# {}\n", m.id)?;
    writeln!(
        out,
        "{}\ncategory: {} · default severity: {} · confidence: {}\n",
        m.summary,
        m.category.as_str(),
        m.severity.as_str(),
        m.confidence.as_str()
    )?;
    writeln!(out, "{}", m.doc_text())
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
            m.severity.as_str(),
            m.confidence.as_str(),
            format!("\n{}", m.doc_text()).replace("\n## ", "\n### ").trim_start(),
            m.id,
            m.id
        ));
    }
    s
}
