//! Issue 18 §3: every `[[secret]]` of rules/secrets.toml, planted as a synthetic token where
//! the exposure checks look, fires them with the issuer in the message and the token never
//! printed; the mismatch checks never judge one against an LLM endpoint; and every
//! public-by-design kind stays quiet in the same places.

mod common;

use keylint::catalog::{Catalog, synth_key};

/// The checks that compare a key's provider with an endpoint's or a model's: LLM-only.
const MISMATCH: &[&str] = &[
    "key-endpoint-mismatch",
    "model-provider-mismatch",
    "sdk-default-endpoint",
    "default-endpoint",
    "malformed-key",
    "auth-header-format",
];

fn write(dir: &std::path::Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn findings(dir: &std::path::Path) -> Vec<(String, String)> {
    common::lint(dir)
        .findings
        .iter()
        .map(|f| (f.meta.id.to_string(), f.message.clone()))
        .collect()
}

#[test]
fn every_secret_kind_fires_the_exposure_checks_with_its_issuer() {
    let c = Catalog::builtin().expect("catalog");
    for (i, s) in c.secrets.iter().enumerate() {
        let key = synth_key(&s.example, 500 + i as u64);
        let what = s.what();
        // the name the value usually sits under (prefix-less shapes count only there)
        let name = s
            .names
            .first()
            .or(s.env.first())
            .cloned()
            .unwrap_or_else(|| "DEPLOY_TOKEN".to_string());
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        // committed .env (no .gitignore), a browser-prefixed variable in a gitignored one
        write(d, "api/.env", &format!("{name}={key}\n"));
        write(d, "web/.env.local", &format!("VITE_{name}={key}\n"));
        write(d, "web/.gitignore", ".env.local\n");
        write(d, "Dockerfile", &format!("FROM alpine\nENV {name}={key}\n"));
        if s.prefix.is_some() {
            write(d, "tools/release.py", &format!("TOKEN = \"{key}\"\n"));
            write(
                d,
                ".cursor/mcp.json",
                &format!(
                    "{{ \"mcpServers\": {{ \"s\": {{ \"command\": \"npx\", \"env\": {{ \"SOME_VALUE\": \"{key}\" }} }} }} }}\n"
                ),
            );
        }
        // the compat slot beside an LLM base URL: no mismatch check may judge it
        write(
            d,
            "llm/.env",
            &format!("OPENAI_API_KEY={key}\nOPENAI_BASE_URL=https://api.openai.com/v1\n"),
        );
        write(d, "llm/.gitignore", ".env\n");
        let got = findings(d);
        let all = format!("{got:#?}");
        assert!(!all.contains(&key), "{}: a finding quotes the token", s.id);
        // low-confidence shapes (an AWS access key id: no secret alone) are recognised and
        // masked, never reported alone
        let reported = s.confidence > keylint::catalog::Confidence::Low;
        let mut expect = vec![];
        if reported {
            expect.extend([
                "committed-key",
                "public-env-secret",
                "dockerfile-secret-env",
            ]);
        }
        if s.prefix.is_some() && reported {
            expect.extend(["hardcoded-key", "editor-plaintext-key"]);
        }
        for id in expect {
            assert!(
                got.iter().any(|(g, m)| g == id && m.contains(&what)),
                "{}: no {id} finding naming `{what}`: {all}",
                s.id
            );
        }
        for (id, m) in &got {
            assert!(
                !MISMATCH.contains(&id.as_str()),
                "{}: mismatch check {id} judged a non-LLM secret: {m}",
                s.id
            );
        }
    }
}

#[test]
fn every_public_by_design_kind_stays_quiet() {
    let c = Catalog::builtin().expect("catalog");
    assert!(c.public_by_design.kinds.len() >= 7);
    for (i, k) in c.public_by_design.kinds.iter().enumerate() {
        let Some(spec) = &k.example else {
            panic!("{}: a public kind needs an example", k.id)
        };
        let value = synth_key(spec, 900 + i as u64);
        let word = k.name_words.first().expect("a name word");
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        // committed, under a browser prefix, and as a literal in browser code
        write(d, ".env", &format!("VITE_{word}_KEY={value}\n"));
        write(
            d,
            "package.json",
            "{ \"name\": \"app\", \"devDependencies\": { \"vite\": \"5.4.0\" } }\n",
        );
        write(
            d,
            "src/config.js",
            &format!("export const {word}_KEY = \"{value}\";\n"),
        );
        let got = findings(d);
        let loud: Vec<&(String, String)> = got
            .iter()
            .filter(|(id, _)| {
                [
                    "public-env-secret",
                    "committed-key",
                    "client-side-key",
                    "hardcoded-key",
                ]
                .contains(&id.as_str())
            })
            .collect();
        assert!(loud.is_empty(), "{} ({}): {loud:#?}", k.id, k.what);
    }
}
