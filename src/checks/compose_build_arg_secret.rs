use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles;

declare_check! {
    /// ## What it does
    /// Finds secrets passed to an image build through compose `build.args` (map or list form):
    /// a key-named argument with a value or a `${VAR}`, or a key-shaped value.
    ///
    /// ## Why it breaks
    /// Build arguments are recorded in the image history. A rebuilt image can also keep an old
    /// key from the cache, which then fails with `401` (karafra/ai-art#7).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build:
    ///       args:
    ///         OPENAI_API_KEY: ${OPENAI_API_KEY}
    /// ```
    ///
    /// ## Fix
    /// Use compose build `secrets:` with `RUN --mount=type=secret`, or pass the key at run time
    /// with `environment`/`env_file`.
    ComposeBuildArgSecret {
        id: "compose-build-arg-secret",
        category: Baked,
        severity: Error,
        confidence: High,
        summary: "a key passed to an image build through compose build.args",
    }
}

impl Check for ComposeBuildArgSecret {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(c) = f.facts.compose() else { return };
        for svc in &c.services {
            let Some(b) = &svc.build else { continue };
            for &i in &b.args {
                let (a, info) = (&f.facts.assignments[i], &f.info[i]);
                if info.name.public_prefix.is_some() {
                    continue; // public-env-build-time
                }
                if !(roles::is_secret_name(cx.catalog, &a.name) || info.key.is_some()) {
                    continue;
                }
                out.push(
                    Finding::new(&Self::META, Label::new(file, a.name_span, "recorded in the image history"), format!("service `{}` passes `{}` as a build argument: it is stored in the image history", svc.name, a.name))
                        .help("use compose build `secrets:` with RUN --mount=type=secret, or pass the key at run time")
                        .evidence(format!("{}|{}", svc.name, a.name)),
                );
            }
        }
    }
}
