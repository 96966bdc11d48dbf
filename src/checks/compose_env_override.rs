use crate::checks::{Check, Cx, Meta};
use crate::facts::ValueSource;
use crate::finding::{Finding, Label};
use crate::index::join_path;
use crate::roles::{self, NameRole};

declare_check! {
    /// ## What it does
    /// Finds a compose service whose `environment:` sets a key, base URL or model from
    /// compose's own interpolation (`OPENAI_API_KEY: ${OPENAI_API_KEY}`, or
    /// `- OPENAI_API_KEY=${OPENAI_API_KEY}`) while its `env_file:` is another file than the `.env`
    /// beside the compose file (`env_file: .env.local`), and that file (or its example) is where
    /// the project puts the value. Left alone when a `.env` beside the compose file defines the
    /// name, when the interpolation has a default, or when some script or workflow runs compose
    /// with `--env-file`.
    ///
    /// ## Why it breaks
    /// `environment:` wins over `env_file:`. Compose fills `${OPENAI_API_KEY}` from the shell
    /// and from the `.env` next to the compose file only, never from a service's `env_file`. A
    /// developer who follows the docs and fills in `.env.local` gets an empty `OPENAI_API_KEY`
    /// in the container, written over the right value from the file: `401 Unauthorized`, or an
    /// empty base URL the SDK rejects.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     env_file: .env.local
    ///     environment:
    ///       OPENAI_API_KEY: ${OPENAI_API_KEY}
    /// ```
    ///
    /// ## Fix
    /// Drop the entry from `environment:` (the `env_file` already passes it), or run compose with
    /// `--env-file .env.local`, or write `${OPENAI_API_KEY:?set it in .env}` so an empty value
    /// fails loudly.
    ComposeEnvOverride {
        id: "compose-env-override",
        category: MissingRef,
        severity: Warning,
        confidence: Medium,
        summary: "a compose environment: ${VAR} that overrides the service's env_file with an empty value",
    }
}

/// Example names a template of `path` may have.
fn examples_of(path: &str) -> [String; 4] {
    [format!("{path}.example"), format!("{path}.sample"), format!("{path}.template"), format!("{path}.dist")]
}

impl Check for ComposeEnvOverride {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(c) = f.facts.compose() else { return };
        let dir = f.source.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
        let dot_env = join_path(dir, ".env");
        // names the interpolation source really has: a `.env` beside the compose file
        let beside: Vec<&str> = cx.index.find(&dot_env).map_or(Vec::new(), |i| cx.index.files[i].facts.assignments.iter().map(|a| a.name.as_str()).collect());
        // `docker compose --env-file X` in a script or workflow changes the source: not modelled
        if crate::checks::util::env_file_flags(cx).iter().any(|(_, r, _)| r.consumer == crate::facts::EnvFileConsumer::Compose) {
            return;
        }
        for svc in &c.services {
            // the service's own env files other than that `.env`, and where their values live
            let others: Vec<(&crate::facts::compose::EnvFile, usize)> = svc
                .env_files
                .iter()
                .filter_map(|ef| {
                    let p = join_path(dir, &ef.path);
                    if p == dot_env {
                        return None;
                    }
                    let found = cx.index.find(&p).or_else(|| examples_of(&p).iter().find_map(|x| cx.index.find(x))).or_else(|| {
                        // `.env.local` and friends are documented by the `.env.example` beside them
                        let name = p.rsplit('/').next().unwrap_or(&p);
                        (name.starts_with(".env.") && !name.contains("example")).then(|| cx.index.find(&join_path(dir, ".env.example"))).flatten()
                    })?;
                    Some((ef, found))
                })
                .collect();
            if others.is_empty() {
                continue;
            }
            for &i in &svc.env {
                let a = &f.facts.assignments[i];
                let ValueSource::EnvRef(src) = &a.source else { continue };
                // a bare `- NAME` passes the shell's value only when it is set; a default or
                // `:?` never yields an empty value silently
                let v = a.value.expose();
                if beside.contains(&src.as_str()) || !v.contains('$') || [format!("${{{src}:"), format!("${{{src}-"), format!("${{{src}?")].iter().any(|p| v.contains(p.as_str())) {
                    continue;
                }
                let role = roles::name_info(cx.catalog, &a.name).role;
                if !matches!(role, NameRole::Key | NameRole::BaseUrl | NameRole::Model) {
                    continue;
                }
                let Some((ef, fi)) = others.iter().find(|(_, fi)| cx.index.files[*fi].facts.assignments.iter().any(|b| b.name == a.name)) else { continue };
                let holder = &cx.index.files[*fi];
                let Some(def) = holder.facts.assignments.iter().find(|b| b.name == a.name) else { continue };
                let what = match role {
                    NameRole::Key => "an empty key: requests fail with 401",
                    NameRole::BaseUrl => "an empty base URL, which the SDKs reject or use as it is",
                    _ => "an empty model name",
                };
                out.push(
                    Finding::new(
                        &Self::META,
                        Label::new(file, a.value_span, format!("filled from the shell and {dot_env} only")),
                        format!(
                            "service `{}` sets `{}` from `${{{src}}}`, which compose fills from the shell and the `.env` beside the compose file, not from its env_file `{}`: this entry overrides the file's value, so unless the shell exports it the container gets {what}",
                            svc.name, a.name, ef.path
                        ),
                    )
                    .related(Label::new(file, ef.span, "the value is here"))
                    .related(Label::new(*fi, def.name_span, "overridden by environment:"))
                    .help(format!("remove `{}` from `environment:` (env_file already passes it), run compose with `--env-file {}`, or write `${{{src}:?set {src}}}` to fail loudly", a.name, ef.path))
                    .evidence(format!("{}|{}|{}", svc.name, a.name, ef.path)),
                );
            }
        }
    }
}
