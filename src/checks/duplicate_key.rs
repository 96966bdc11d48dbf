use std::collections::HashMap;

use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds a name assigned twice in one file with different values.
    ///
    /// ## Why it breaks
    /// Loaders disagree on which one wins: dotenvy (Rust) keeps the first, while Node's dotenv,
    /// python-dotenv, Docker and Compose keep the last. The same file gives one key to one tool
    /// and the other key to the next, and only one of them is valid.
    ///
    /// ## Example
    /// ```sh
    /// OPENAI_API_KEY=sk-proj-…old
    /// OPENAI_API_KEY=sk-proj-…new
    /// ```
    ///
    /// ## Fix
    /// Delete the line that should not win.
    DuplicateKey {
        id: "duplicate-key",
        category: Format,
        severity: Warning,
        confidence: High,
        summary: "one name assigned twice in one file with different values",
    }
}

impl Check for DuplicateKey {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        // the rule is about dotenv loaders; `ARG X` + `ENV X=$X` in a Dockerfile is idiomatic
        if !matches!(f.kind, crate::classify::FileKind::Dotenv(_)) {
            return;
        }
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, a) in f.facts.assignments.iter().enumerate() {
            let Some(&j) = first.get(a.name.as_str()) else {
                first.insert(&a.name, i);
                continue;
            };
            let earlier = &f.facts.assignments[j];
            if earlier.value == a.value {
                continue;
            }
            let line = f.source.line(earlier.name_span.start as usize);
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(file, a.name_span, "set again here"),
                    format!("`{}` is set twice with different values (first on line {line}): dotenvy keeps the first, most other loaders the last", a.name),
                )
                .related(Label::new(file, earlier.name_span, "first set here"))
                .help("delete the line that should not win")
                .evidence(a.name.clone()),
            );
        }
    }
}
