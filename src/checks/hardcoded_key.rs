use crate::catalog::Token;
use crate::checks::util::{reportable_literal, token_what};
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::runtime::{Runtime, runtime};

declare_check! {
    /// ## What it does
    /// Finds a key literal of a catalog format in committed source code (JS/TS, Python, and any
    /// other language by prefix: Go, Rust, Ruby, Java, Kotlin, C#, PHP, PowerShell…), commented-out
    /// lines included: an LLM key, or another issuer's token (`rules/secrets.toml`: GitHub
    /// `ghp_`, Stripe `sk_live_`, a Supabase `service_role` JWT, AWS `AKIA…`), named in the
    /// message. A shape several providers share (`sk-` + 32 hex) counts when the file names the
    /// provider: the variable it is assigned to (`DEEPSEEK_API_KEY`), or a base URL, env name or
    /// SDK of the provider in the same file. Obvious fakes and placeholders stay quiet (`sk-...`,
    /// `sk-test-fake`, repeated characters, values saying test/fake/dummy/example). Browser code
    /// is `client-side-key`'s; scripts, docs and notebooks are `committed-key`'s.
    ///
    /// ## Why it breaks
    /// A committed key is found by scrapers within minutes and revoked by its provider; then
    /// the code fails with `401`.
    ///
    /// ## Example
    /// ```python
    /// client = Groq(api_key="gsk_…")
    /// ```
    ///
    /// ## Fix
    /// Rotate the key; read it from the environment (`os.environ["GROQ_API_KEY"]`).
    HardcodedKey {
        id: "hardcoded-key",
        category: Exposure,
        severity: Error,
        confidence: High,
        summary: "a key literal in committed source code",
    }
}

impl Check for HardcodedKey {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        let Some(code) = f.facts.code() else { return };
        // the runtime walks up to the nearest package.json: only ask when there is a literal
        if code.key_literals.is_empty() || !f.committed || runtime(cx.index, f) == Runtime::Browser {
            return;
        }
        for lit in &code.key_literals {
            // a Firebase web config apiKey beside authDomain is public by design, not a Gemini key
            let Some(token) = reportable_literal(cx.catalog, &f.source.text, lit) else { continue };
            let what = token_what(cx.catalog, &token);
            let env = match &token {
                Token::Key(m) => cx.catalog.provider(m.format.provider).key_env.first(),
                Token::Secret(m) => cx.catalog.secret(*m).env.first(),
            };
            let env = env.cloned().unwrap_or_else(|| "an environment variable".into());
            out.push(
                Finding::new(&Self::META, Label::new(file, lit.span, what.clone()), format!("{what} `{}` is committed in source code{}", lit.value, f.committed_note()))
                    .confidence(token.confidence())
                    .help(format!("rotate the key and read it from {env}"))
                    .evidence(format!("{}|{}", cx.catalog.token_id(&token), lit.value.expose().len())),
            );
        }
    }
}
