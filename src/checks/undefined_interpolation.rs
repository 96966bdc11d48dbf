use std::collections::BTreeSet;

use crate::checks::{Check, Cx, Meta};
use crate::classify::{DotenvRole, FileKind};
use crate::finding::{Finding, Label, Severity};
use crate::roles::{self, NameRole};

declare_check! {
    /// ## What it does
    /// Finds compose `${VAR}` interpolations with no default that no env file in the project
    /// folder defines (`.env`, which compose reads for interpolation, or the example that
    /// documents it). A name one typo away from a defined one (`OPENAI_KEY` vs
    /// `OPENAI_API_KEY`) is a warning, and so is a base URL (`${OPENAI_BASE_URL}`), which
    /// becomes an empty base URL that breaks the SDKs; the other undefined names are one
    /// informational finding per compose file, since the shell may provide them. Folders with
    /// no env file at all are not judged.
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
        varies: (Warning, "when a defined name is one typo away, or the name is a base URL that would be empty"),
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
        // plain undefined names: one finding per compose file, every site related
        let mut plain: Vec<&crate::facts::compose::Interpolation> = Vec::new();
        for i in c.interpolations.iter().filter(|i| !i.has_default && !SHELL_PROVIDED.contains(&i.name.as_str())) {
            if defined.contains(i.name.as_str()) || !seen.insert((i.name.as_str(), i.span)) {
                continue;
            }
            let near = defined.iter().find(|d| normal(d) == normal(&i.name) || crate::ci::edit_distance(d, &i.name) <= 2 || (d.contains(i.name.as_str()) && i.name.len() >= 6));
            if let Some(d) = near {
                out.push(
                    Finding::new(&Self::META, Label::new(file, i.span, "not defined in the project's env files"), format!("`${{{}}}` is not defined by the env files here; did you mean `{d}`? Compose substitutes an empty string", i.name))
                        .severity(Severity::Warning)
                        .help("use the name the env file defines, or write ${VAR:-default} / ${VAR:?message}")
                        .evidence(i.name.clone()),
                );
                continue;
            }
            let info = roles::name_info(cx.catalog, &i.name);
            if info.role == NameRole::BaseUrl && info.slot.is_some() {
                out.push(
                    Finding::new(&Self::META, Label::new(file, i.span, "empty unless the shell sets it"), format!("`${{{}}}` is not defined by the env files here: unless the shell sets it, compose passes an empty base URL, which openai-python uses as it is (every request fails) and the AI SDK rejects (\"baseURL must be a non-empty string\")", i.name))
                        .severity(Severity::Warning)
                        .help(format!("define {} in .env, or leave it out of `environment:` so the SDK's default applies", i.name))
                        .evidence(i.name.clone()),
                );
                continue;
            }
            plain.push(i);
        }
        let Some((first, rest)) = plain.split_first() else { return };
        let mut names: Vec<&str> = plain.iter().map(|i| i.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let list = names.iter().take(8).map(|n| format!("`${{{n}}}`")).collect::<Vec<_>>().join(", ");
        let more = if names.len() > 8 { format!(" and {} more", names.len() - 8) } else { String::new() };
        let mut finding = Finding::new(
            &Self::META,
            Label::new(file, first.span, "not defined in the project's env files"),
            if names.len() == 1 {
                format!("{list} is not defined by the env files here: unless the shell sets it, compose substitutes an empty string")
            } else {
                format!("{} variables are not defined by the env files here ({list}{more}): unless the shell sets them, compose substitutes empty strings", names.len())
            },
        )
        .help("define them in .env, or write ${VAR:-default} / ${VAR:?message}")
        .evidence(names.join(","));
        for i in rest {
            finding = finding.related(Label::new(file, i.span, format!("`${{{}}}` not defined either", i.name)));
        }
        out.push(finding);
    }
}
