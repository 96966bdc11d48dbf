use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds bundler configuration that inlines secrets into browser code: `next.config.*`
    /// `env: { … }` entries holding keys (always bundled, whatever their prefix), Vite `define`
    /// of a key or of the whole environment (`'process.env': process.env`, or `loadEnv(mode,
    /// cwd, '')`), and `envPrefix` widened to `''` or to a key's prefix (`OPENAI_`).
    ///
    /// ## Why it breaks
    /// These values are pasted into the JavaScript every visitor downloads; the key is public on
    /// the next deploy and, once revoked, everything fails with `401`.
    ///
    /// ## Example
    /// ```js
    /// // next.config.js
    /// module.exports = { env: { OPENAI_API_KEY: process.env.OPENAI_API_KEY } };
    /// ```
    ///
    /// ## Fix
    /// Remove the entry; read the key at run time in server code only.
    BundleEnvLeak {
        id: "bundle-env-leak",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "next.config env, Vite define or envPrefix that puts keys into the browser bundle",
    }
}

impl Check for BundleEnvLeak {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(code) = f.facts.code() else { return };
        for l in &code.bundle_leaks {
            // a public-by-design value (analytics and telemetry write keys, publishable keys)
            let upper = l.name.to_ascii_uppercase();
            if !l.whole_env && (cx.catalog.public_by_design.name_words.iter().any(|w| upper.contains(w.as_str())) || (!crate::roles::is_llm_key(cx.catalog, &l.name) && cx.catalog.public_by_nearby_word(&f.source.text, l.span))) {
                continue;
            }
            let message = if l.whole_env {
                format!("{} exposes the whole environment to browser code, keys included", l.via)
            } else {
                let bare = l.name.trim_start_matches("process.env.").trim_start_matches("import.meta.env.");
                match cx.catalog.secret_env(bare) {
                    // another issuer's token by its usual name: say whose
                    Some(s) => format!("{} puts `{}` ({}) into the browser bundle", l.via, l.name, crate::finding::a(&s.what())),
                    None => format!("{} puts `{}` into the browser bundle", l.via, l.name),
                }
            };
            out.push(
                Finding::new(&Self::META, Label::new(file, l.span, "inlined into the bundle"), message)
                    .help("remove it and read the key at run time in server code only")
                    .evidence(format!("{}|{}", l.via, l.name)),
            );
        }
    }
}
