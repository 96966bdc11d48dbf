use std::sync::LazyLock;

use regex::Regex;

use crate::checks::{Check, Cx, Meta};
use crate::ci;
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds keys handed to an image build as build arguments: `docker build --build-arg`,
    /// `docker buildx build --build-arg`, and `docker/build-push-action`'s `build-args:`, with a
    /// secret, a key variable, or a key-named argument.
    ///
    /// ## Why it breaks
    /// Build arguments are recorded in the image metadata and layer history (`docker history`),
    /// so the key ships with every pushed image; and an image rebuilt from cache keeps the old,
    /// revoked key, which then fails with `401`.
    ///
    /// ## Example
    /// ```yaml
    /// - run: docker build --build-arg OPENAI_API_KEY=${{ secrets.OPENAI_API_KEY }} .
    /// ```
    ///
    /// ## Fix
    /// Pass it as a BuildKit secret: `docker build --secret id=openai,env=OPENAI_API_KEY` (or
    /// build-push-action `secrets:`) and read it in `RUN --mount=type=secret,id=openai`.
    BuildArgSecret {
        id: "build-arg-secret",
        category: Baked,
        severity: Error,
        confidence: High,
        summary: "a key passed to an image build with --build-arg or build-args",
    }
}

static BUILD_ARG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"--build-arg(?:=|\s+)["']?([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|'[^']*'|\S*))?"#).expect("internal error: build-arg regex")
});

impl Check for BuildArgSecret {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(wf) = f.facts.workflow() else { return };
        let text = &f.source.text;
        for (j, job) in wf.jobs.iter().enumerate() {
            for (s, step) in job.steps.iter().enumerate() {
                let vars = ci::key_vars(cx.catalog, f, wf, j, Some(s));
                if let Some(run) = &step.run {
                    for line in ci::lines(run) {
                        for c in BUILD_ARG.captures_iter(line.text) {
                            let (Some(all), Some(name)) = (c.get(0), c.get(1)) else { continue };
                            let value = c.get(2).map_or("", |m| m.as_str());
                            let secret_value = !ci::key_refs_in(cx.catalog, value, &vars).is_empty();
                            let keyish_name = ci::is_key_name(cx.catalog, name.as_str()) && (value.is_empty() || value.contains('$'));
                            if !(secret_value || keyish_name) {
                                continue;
                            }
                            let span = ci::line_span(text, run, &line, all.start(), all.end());
                            out.push(self.finding(file, span, name.as_str(), &job.id));
                        }
                    }
                }
                let is_build_push = step.uses.as_ref().is_some_and(|u| u.value.starts_with("docker/build-push-action"));
                for (input, value) in step.with.iter().filter(|(k, _)| is_build_push && k == "build-args") {
                    let _ = input;
                    for line in ci::lines(value) {
                        let (name, val) = line.text.trim().split_once('=').unwrap_or((line.text.trim(), ""));
                        let refs = ci::key_refs_in(cx.catalog, val, &vars);
                        if refs.is_empty() && !(ci::is_key_name(cx.catalog, name) && val.contains('$')) {
                            continue;
                        }
                        let start = line.text.find(name).unwrap_or(0);
                        let span = ci::line_span(text, value, &line, start, line.text.trim_end().len());
                        out.push(self.finding(file, span, name, &job.id));
                    }
                }
            }
        }
    }
}

impl BuildArgSecret {
    fn finding(&self, file: usize, span: crate::source::Span, name: &str, job: &str) -> Finding {
        Finding::new(&Self::META, Label::new(file, span, "baked into the image"), format!("build argument `{name}` carries a key into the image metadata and layer history"))
            .help("pass it as a BuildKit secret (`--secret id=key,env=VAR`, build-push-action `secrets:`) and read it with RUN --mount=type=secret")
            .evidence(format!("{job}|{name}"))
    }
}
