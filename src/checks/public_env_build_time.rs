use crate::catalog::Confidence;
use crate::checks::public_env_secret::verdict;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds browser-exposed variables (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`, …) holding a secret
    /// that a Dockerfile sets as `ARG` or `ENV`, or a compose file passes as a build argument.
    /// Public-by-design values (Supabase anon key, Stripe `pk_`, Sentry DSN, …) stay quiet.
    ///
    /// ## Why it breaks
    /// The framework inlines these values into the JavaScript bundle while the image builds: the
    /// key ends up in every browser and in the image, and changing it later needs a rebuild.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NEXT_PUBLIC_OPENAI_API_KEY
    /// RUN npm run build
    /// ```
    ///
    /// ## Fix
    /// Keep LLM keys server-side (no public prefix, read at run time by an API route or server
    /// action); rotate a key that was built into a bundle.
    PublicEnvBuildTime {
        id: "public-env-build-time",
        category: Baked,
        severity: Error,
        confidence: High,
        summary: "a browser-exposed variable holding a secret, fixed into the bundle at image build time",
    }
}

impl Check for PublicEnvBuildTime {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let idx: Vec<usize> = if let Some(df) = f.facts.dockerfile() {
            df.global_args.iter().chain(df.stages.iter().flat_map(|s| s.args.iter().chain(&s.envs))).copied().collect()
        } else if let Some(c) = f.facts.compose() {
            c.services.iter().filter_map(|s| s.build.as_ref()).flat_map(|b| b.args.iter().copied()).collect()
        } else {
            return;
        };
        for i in idx {
            let (a, info) = (&f.facts.assignments[i], &f.info[i]);
            let Some(prefix) = &info.name.public_prefix else { continue };
            let Some((why, confidence)) = verdict(cx, a.literal().map(str::trim), info).filter(|(_, c)| *c > Confidence::Low) else { continue };
            out.push(
                Finding::new(&Self::META, Label::new(file, a.name_span, format!("`{prefix}*` is inlined into the bundle at build time")), format!("`{}` {why}, and the build inlines it into the browser bundle baked into this image", a.name))
                    .confidence(confidence)
                    .help(format!("read {} at run time in server code only; rotate the key if an image was built", info.name.bare))
                    .evidence(a.name.clone()),
            );
        }
    }
}
