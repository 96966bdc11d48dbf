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

impl Check for ParseError {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        for issue in &cx.index.files[file].facts.parse_issues {
            out.push(
                Finding::new(&Self::META, Label::new(file, issue.span, "cannot parse this"), crate::render::sanitize(&issue.message))
                    .help("write it as NAME=value and close every quote")
                    .evidence(crate::render::sanitize(&issue.message)),
            );
        }
    }
}
