//! `--format github`: workflow commands that GitHub turns into annotations on the pull request,
//! and, when `GITHUB_STEP_SUMMARY` names a file, a Markdown job summary with every finding
//! (GitHub shows at most 10 annotations of each level per step; the summary keeps the rest).

use std::io::Write;

use crate::Report;
use crate::finding::Severity;
use crate::render::positions;

/// Escaping for a workflow command's message, as the runner requires; other control
/// characters from scanned content are spelled out first (a log viewer is a terminal too).
pub(crate) fn data(s: &str) -> String {
    let s = crate::redact::escape_controls(s, true);
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a workflow command's property values.
pub(crate) fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn md(s: &str) -> String {
    crate::redact::display(s).replace('|', "\\|")
}

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        let file = &report.index.files[f.primary.file];
        let (s, e) = positions(file, f.primary.span);
        let cmd = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        // messages are scrubbed when findings settle; scrub again: this is a public CI log
        let mut msg = crate::redact::scrub(&f.message).into_owned();
        if let Some(h) = &f.help {
            msg.push_str(&format!("\nhelp: {h}"));
        }
        msg.push_str(&format!("\nkeylint explain {}", f.meta.id));
        let mut loc = format!(
            "file={},line={},col={}",
            prop(&crate::redact::scrub(&file.source.rel_path)),
            s.line,
            s.column
        );
        // GitHub accepts endColumn only on one-line annotations
        loc.push_str(&format!(",endLine={}", e.line));
        if e.line == s.line {
            loc.push_str(&format!(",endColumn={}", e.column));
        }
        writeln!(
            out,
            "::{cmd} {loc},title={}::{}",
            prop(&format!("keylint({})", f.meta.id)),
            data(&msg)
        )?;
    }
    let sm = crate::render::json::summary(report);
    writeln!(
        out,
        "keylint: {} problems ({} errors, {} warnings, {} info) in {} files scanned",
        sm.findings, sm.errors, sm.warnings, sm.infos, sm.files_scanned
    )?;
    Ok(())
}

/// The Markdown job summary: counts, then one table row per finding.
pub fn summary_markdown(report: &Report) -> String {
    let sm = crate::render::json::summary(report);
    let mut s = String::from("## keylint\n\n");
    if report.findings.is_empty() {
        s.push_str(&format!("No problems in {} files.\n", sm.files_scanned));
    } else {
        s.push_str(&format!(
            "**{}** problems: {} errors, {} warnings, {} info, in {} files scanned.\n\n| Severity | Check | Location | Message |\n| --- | --- | --- | --- |\n",
            sm.findings, sm.errors, sm.warnings, sm.infos, sm.files_scanned
        ));
        for f in &report.findings {
            let file = &report.index.files[f.primary.file];
            let (p, _) = positions(file, f.primary.span);
            s.push_str(&format!(
                "| {} | `{}` | `{}:{}` | {} |\n",
                f.severity.as_str(),
                f.meta.id,
                md(&file.source.rel_path),
                p.line,
                md(&f.message)
            ));
        }
    }
    if sm.suppressed > 0 {
        s.push_str(&format!(
            "\n{} findings suppressed inline.\n",
            sm.suppressed
        ));
    }
    s
}

/// Appends the summary to `$GITHUB_STEP_SUMMARY` when it is set.
pub fn write_step_summary(report: &Report) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(summary_markdown(report).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50%\na"), "50%25%0Aa");
        assert_eq!(prop("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(md("a|b"), "a\\|b");
    }
}
