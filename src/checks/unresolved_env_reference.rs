use crate::checks::env_name_drift::ProvidedEnv;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds an env reference in editor or agent settings (`${env:X}`, `${X}`,
    /// `${{ secrets.X }}`, `os.environ/X`, `{env:X}`, Codex `env_key = "X"`) that nothing in
    /// the repository documents or provides: no dotenv file (examples included), workflow,
    /// compose service, Dockerfile or other settings file sets it. Judged only in repositories
    /// that document their environment (at least one dotenv file); references with a default
    /// (`${X:-…}`) stay quiet.
    ///
    /// ## Why it breaks
    /// A teammate opens the project, the tool expands the reference to an empty string (or
    /// sends it literally: `.mcp.json` keeps an unset `${X}` as text) and the provider answers
    /// `401`. Nobody wrote down that the variable is needed.
    ///
    /// ## Example
    /// ```json
    /// { "mcpServers": { "search": { "env": { "BRAVE_API_KEY": "${env:BRAVE_KEY}" } } } }
    /// ```
    ///
    /// ## Fix
    /// Document the variable in `.env.example` (or fix the name to the one documented).
    UnresolvedEnvReference {
        id: "unresolved-env-reference",
        category: MissingRef,
        severity: Info,
        confidence: Medium,
        summary: "an env reference in editor or agent settings that nothing in the repository documents",
    }
}

impl Check for UnresolvedEnvReference {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        let Some(mut provided) = ProvidedEnv::for_project(cx) else { return };
        for (fi, f) in cx.index.files.iter().enumerate() {
            let Some(s) = f.facts.settings() else { continue };
            let mut seen = std::collections::HashSet::new();
            for r in &s.refs {
                if r.has_default || provided.contains(&r.name) || !seen.insert(&r.name) {
                    continue;
                }
                let near = provided.near_miss(cx, &r.name);
                let (message, help) = match near {
                    Some(name) => (format!("{} reads `{}`, which nothing in the repository provides; `{name}` is documented", s.tool_name, r.name), format!("did you mean `{name}`?")),
                    None => (format!("{} reads `{}`, which no env file, workflow, compose or Dockerfile in the repository documents", s.tool_name, r.name), format!("document {} in .env.example", r.name)),
                };
                out.push(Finding::new(&Self::META, Label::new(fi, r.span, "not documented anywhere"), message).help(help).evidence(r.name.clone()));
            }
        }
    }
}
