use std::collections::BTreeSet;

use crate::checks::{Check, Cx, Meta};
use crate::classify::{DotenvRole, FileKind};
use crate::finding::{Finding, Label, Severity};

declare_check! {
    /// ## What it does
    /// Finds compose `${VAR}` interpolations with no default that no env file in the project
    /// folder defines (`.env`, which compose reads for interpolation, or the example that
    /// documents it). A name one typo away from a defined one (`OPENAI_KEY` vs
    /// `OPENAI_API_KEY`) is a warning; any other undefined name is informational, since the
    /// shell may provide it. Folders with no env file at all are not judged.
    ///
    /// ## Why it breaks
    /// Compose substitutes an empty string for an unset variable (with only a warning on
    /// stderr), so the service starts with an empty key and answers `401`.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   OPENAI_API_KEY: ${OPENAI_KEY}      # .env defines OPENAI_API_KEY
    /// ```
    ///
    /// ## Fix
    /// Use the name the env file defines, define it, or give a default (`${VAR:-}`) or a
    /// required marker (`${VAR:?set VAR}`).
    UndefinedInterpolation {
        id: "undefined-interpolation",
        category: MissingRef,
        severity: Info,
        confidence: Medium,
        summary: "a compose ${VAR} that no env file defines (warning when it looks like a typo)",
        varies: (Warning, "when a defined name is one typo away"),
    }
}

/// Variables every login shell exports, so compose always finds them set.
const SHELL_PROVIDED: &[&str] = &["PWD", "HOME", "USER", "LOGNAME", "PATH", "SHELL", "LANG", "TERM", "TMPDIR"];

fn normal(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase()
}

impl Check for UndefinedInterpolation {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(c) = f.facts.compose() else { return };
        let dir = f.source.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
        let env_files: Vec<&crate::index::IndexedFile> = cx
            .index
            .dotenv_in(dir)
            .iter()
            .map(|&i| &cx.index.files[i])
            .filter(|e| matches!(&e.kind, FileKind::Dotenv(r) if matches!(r, DotenvRole::Base | DotenvRole::Example)))
            .collect();
        if env_files.is_empty() {
            return;
        }
        let defined: BTreeSet<&str> = env_files.iter().flat_map(|e| e.facts.assignments.iter().map(|a| a.name.as_str())).collect();
        let mut seen = BTreeSet::new();
        for i in c.interpolations.iter().filter(|i| !i.has_default && !SHELL_PROVIDED.contains(&i.name.as_str())) {
            if defined.contains(i.name.as_str()) || !seen.insert((i.name.as_str(), i.span)) {
                continue;
            }
            let near = defined.iter().find(|d| normal(d) == normal(&i.name) || crate::ci::edit_distance(d, &i.name) <= 2 || (d.contains(i.name.as_str()) && i.name.len() >= 6));
            let mut finding = Finding::new(&Self::META, Label::new(file, i.span, "not defined in the project's env files"), match near {
                Some(d) => format!("`${{{}}}` is not defined by the env files here; did you mean `{d}`? Compose substitutes an empty string", i.name),
                None => format!("`${{{}}}` is not defined by the env files here: unless the shell sets it, compose substitutes an empty string", i.name),
            })
            .help("define it in .env, fix the name, or write ${VAR:-default} / ${VAR:?message}")
            .evidence(i.name.clone());
            if near.is_some() {
                finding = finding.severity(Severity::Warning);
            }
            out.push(finding);
        }
    }
}
