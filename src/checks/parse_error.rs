use crate::classify::FileKind;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Reports a part of a file keylint could not parse: a dotenv line without `=`, a quote
    /// that never closes, text after a closing quote. The rest of the file is still checked.
    ///
    /// ## Why it breaks
    /// Loaders skip such lines, reject the whole file, or read a different value than you
    /// wrote. A key on a bad line never reaches the process, and the SDK sends an empty one.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_API_KEY sk-proj-…      # no `=`
    /// ANTHROPIC_API_KEY="sk-ant-…   # quote never closed
    /// ```
    ///
    /// ## Fix
    /// Write the line as `NAME=value`, closing every quote.
    ParseError {
        id: "parse-error",
        category: Format,
        severity: Warning,
        confidence: High,
        summary: "a line or block keylint (and your loader) cannot parse",
    }
}

/// What to do about it, by format; a parser failure is keylint's fault, not the file's.
fn help(kind: &FileKind, message: &str) -> &'static str {
    if message == crate::facts::PARSER_FAILED {
        return "keylint skipped this file; the rest of the run is complete. Please report it (the file's shape, not its values)";
    }
    match kind {
        FileKind::Dotenv(_) => "write it as NAME=value and close every quote",
        FileKind::Workflow | FileKind::Action | FileKind::Compose => "fix the YAML here: GitHub Actions or compose cannot read this file either",
        FileKind::Dockerfile => "fix the instruction here: docker build stops on it too",
        _ => "fix the syntax here: the tool that reads this file cannot read it either",
    }
}

impl Check for ParseError {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        for issue in &cx.index.files[file].facts.parse_issues {
            out.push(
                Finding::new(&Self::META, Label::new(file, issue.span, "cannot parse this"), crate::redact::sanitize(&issue.message))
                    .help(help(&cx.index.files[file].kind, &issue.message))
                    .evidence(crate::redact::sanitize(&issue.message)),
            );
        }
    }
}
