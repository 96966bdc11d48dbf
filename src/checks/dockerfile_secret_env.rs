use crate::catalog::Confidence;
use crate::checks::{Check, Cx, Meta};
use crate::facts::ValueSource;
use crate::finding::{Finding, Label};
use crate::roles;
use crate::values::{is_placeholder, looks_live};

declare_check! {
    /// ## What it does
    /// Finds a Dockerfile `ENV` that sets a key: a key-shaped literal, or a key variable filled
    /// from an `ARG` (`ENV OPENAI_API_KEY=$OPENAI_API_KEY`) or a non-placeholder literal.
    ///
    /// ## Why it breaks
    /// `ENV` values live in the image config: every container and everyone who pulls the image
    /// can read them (`docker inspect`). When the key is rotated, old images keep sending the
    /// revoked one and get `401`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV ANTHROPIC_API_KEY=sk-ant-api03-…
    /// ```
    ///
    /// ## Fix
    /// Remove it from the image; pass it when the container starts (`docker run -e`, compose
    /// `environment`/`env_file`, your orchestrator's secrets).
    DockerfileSecretEnv {
        id: "dockerfile-secret-env",
        category: Baked,
        severity: Error,
        confidence: High,
        summary: "a Dockerfile ENV that stores a key in the image",
    }
}

impl Check for DockerfileSecretEnv {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(df) = f.facts.dockerfile() else { return };
        for (stage, &i) in df.stages.iter().flat_map(|s| s.envs.iter().map(move |i| (s, i))) {
            let (a, info) = (&f.facts.assignments[i], &f.info[i]);
            // `ENV X=${X}` bakes a build argument only when an `ARG X` is in scope before it
            // (declared in this stage); with none, `${X}` is empty and nothing is stored
            if let ValueSource::EnvRef(arg) = &a.source {
                let declared = stage.args.iter().any(|&g| {
                    let d = &f.facts.assignments[g];
                    d.name == *arg && d.stmt_span.start < a.stmt_span.start
                });
                if !declared {
                    continue;
                }
            }
            if info.name.public_prefix.is_some() {
                continue;
            }
            let llm = roles::is_llm_key(cx.catalog, &a.name);
            let (why, confidence) = match (&a.source, &info.key) {
                (ValueSource::Literal, Some(m)) if m.confidence >= Confidence::Medium && looks_live(a.value.expose()) => ("a literal key".to_string(), Confidence::High),
                (ValueSource::Literal, None) if info.secret.is_some_and(|m| m.confidence >= Confidence::Medium) && looks_live(a.value.expose()) => {
                    let what = info.secret.map(|m| cx.catalog.secret(m).what()).unwrap_or_default();
                    (format!("a literal {what}"), Confidence::High)
                }
                (ValueSource::EnvRef(arg), _) if llm || roles::is_secret_name(cx.catalog, arg) => ("a key from a build argument".to_string(), Confidence::High),
                (ValueSource::Literal, None) if llm && !a.value.expose().is_empty() && !is_placeholder(a.value.expose()) => ("a literal value".to_string(), Confidence::Medium),
                _ => continue,
            };
            out.push(
                Finding::new(&Self::META, Label::new(file, a.value_span, "stored in the image config"), if a.source == ValueSource::Literal && (info.key.is_some() || info.secret.is_some()) {
                    format!("`ENV {}` stores {why} (`{}`) in the image, readable by anyone who pulls it", a.name, a.value)
                } else {
                    format!("`ENV {}` stores {why} in the image, readable by anyone who pulls it", a.name)
                })
                    .confidence(confidence)
                    .help("remove it from the Dockerfile and pass the key when the container starts (docker run -e, compose environment, orchestrator secrets)")
                    .evidence(format!("{}|{why}", a.name)),
            );
        }
    }
}
