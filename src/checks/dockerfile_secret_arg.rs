use crate::catalog::Confidence;
use crate::checks::{Check, Cx, Meta};
use crate::facts::ValueSource;
use crate::finding::{Finding, Label, Severity};
use crate::roles;

declare_check! {
    /// ## What it does
    /// Finds a Dockerfile `ARG` that carries a secret: by its name (`OPENAI_API_KEY`,
    /// `ANTHROPIC_AUTH_TOKEN`, `NPM_TOKEN`) or by a key-shaped default value (an LLM key or
    /// another issuer's token, named in the message). Names BuildKit's
    /// `SecretsUsedInArgOrEnv` flags wrongly stay quiet (`GITHUB_TOKEN_URL`, `PUBLIC_KEY_PATH`,
    /// `KEYCLOAK_REALM`, `*_KEY_ID`); browser-prefixed names are `public-env-build-time`'s.
    ///
    /// ## Why it breaks
    /// Build arguments are stored in the image's history and metadata (`docker history`), so the
    /// key ships to every registry the image reaches; a cached layer keeps an old, revoked key
    /// (`401`) until someone rebuilds without cache.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG GROQ_API_KEY
    /// RUN python build_index.py
    /// ```
    ///
    /// ## Fix
    /// Use a BuildKit secret: `RUN --mount=type=secret,id=groq,env=GROQ_API_KEY python build_index.py`,
    /// built with `docker build --secret id=groq,env=GROQ_API_KEY`; or pass the key at run time.
    DockerfileSecretArg {
        id: "dockerfile-secret-arg",
        category: Baked,
        severity: Error,
        confidence: High,
        summary: "a Dockerfile ARG that carries a key (by name or default value)",
        varies: (Warning, "for secrets that are not LLM keys by name or value"),
    }
}

impl Check for DockerfileSecretArg {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(df) = f.facts.dockerfile() else { return };
        let args = df.global_args.iter().chain(df.stages.iter().flat_map(|s| &s.args));
        // an ARG whose only use is an `ENV X=${ARG}` after it: dockerfile-secret-env reports
        // that ENV (the value ends up in the image config), one root cause, one finding
        let feeds_env = |a: &crate::facts::Assignment| {
            df.stages.iter().filter(|s| s.args.iter().any(|&g| std::ptr::eq(&f.facts.assignments[g], a))).flat_map(|s| &s.envs).any(|&e| {
                let env = &f.facts.assignments[e];
                env.stmt_span.start > a.stmt_span.start && env.source == ValueSource::EnvRef(a.name.clone())
            })
        };
        for &i in args {
            let (a, info) = (&f.facts.assignments[i], &f.info[i]);
            if feeds_env(a) {
                continue;
            }
            if info.name.public_prefix.is_some() {
                continue;
            }
            let llm = roles::is_llm_key(cx.catalog, &a.name);
            let by_value = info.token().is_some_and(|t| t.confidence() >= Confidence::Medium);
            if !(llm || by_value || roles::is_secret_name(cx.catalog, &a.name)) {
                continue;
            }
            let (severity, confidence) = if llm || by_value { (Severity::Error, Confidence::High) } else { (Severity::Warning, Confidence::Medium) };
            out.push(
                Finding::new(&Self::META, Label::new(file, a.name_span, "recorded in the image history"), format!("`ARG {}` passes {} through a build argument, which is stored in the image history", a.name, info.secret.map_or_else(|| "a secret".to_string(), |m| crate::finding::a(&cx.catalog.secret(m).what()))))
                    .severity(severity)
                    .confidence(confidence)
                    .help(format!("use RUN --mount=type=secret,id=…,env={} and `docker build --secret`, or pass it at run time", a.name))
                    .evidence(a.name.clone()),
            );
        }
    }
}
