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
