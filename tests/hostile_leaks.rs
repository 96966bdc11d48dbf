//! The leak test of issue 16: keys of every shape the catalog knows, plus prefix-less 32-hex,
//! 32-alnum and 40-alnum keys, planted in every file kind and every position keylint might
//! print (values, names, URLs, comments, args, file and folder names, config and baseline
//! errors, diff hunks), then every format's stdout, stderr and written files searched for any
//! 20-character window of any planted key. Control bytes in names and content must not reach
//! the output either.

#![cfg(unix)]

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use keylint::catalog::{CatalogFile, synth_key};

/// Every planted key: one per key format of the catalog and per `[[secret]]` of
/// rules/secrets.toml (GitHub, Stripe, Supabase service_role JWT, AWS…), then the prefix-less
/// shapes.
fn planted_keys() -> Vec<String> {
    let file: CatalogFile = toml::from_str(keylint::catalog::BUILTIN).expect("catalog");
    let mut keys: Vec<String> = file
        .providers
        .iter()
        .flat_map(|p| p.keys.iter())
        .enumerate()
        .map(|(i, k)| synth_key(&k.example, 1000 + i as u64))
        .collect();
    let secrets: CatalogFile = toml::from_str(keylint::catalog::SECRETS).expect("secrets");
    assert!(secrets.secrets.len() >= 20);
    keys.extend(
        secrets
            .secrets
            .iter()
            .enumerate()
            .map(|(i, s)| synth_key(&s.example, 2000 + i as u64)),
    );
    for (i, spec) in ["{hex:32}", "{alnum:32}", "{alnum:40}"].iter().enumerate() {
        keys.push(synth_key(spec, 77 + i as u64));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Every 20-byte window of every key.
fn windows(keys: &[String]) -> HashSet<Vec<u8>> {
    keys.iter()
        .flat_map(|k| k.as_bytes().windows(20).map(<[u8]>::to_vec))
        .collect()
}

/// Colour escapes removed, so a key split by highlighting still counts.
fn strip_ansi(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == 0x1b && s.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < s.len() && !(0x40..=0x7e).contains(&s[i]) {
                i += 1;
            }
            i += 1;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

fn assert_no_window(what: &str, text: &[u8], wins: &HashSet<Vec<u8>>) {
    let text = strip_ansi(text);
    if let Some(w) = text.windows(20).find(|w| wins.contains(*w)) {
        let at = text.windows(20).position(|x| x == w).unwrap_or(0);
        let lo = at.saturating_sub(80);
        panic!(
            "{what}: a 20-character window of a planted key is printed near:\n{}",
            String::from_utf8_lossy(&text[lo..(at + 20).min(text.len())])
        );
    }
}

/// Runs the binary with a deadline: a hang fails the test instead of blocking CI.
fn keylint(dir: &Path, args: &[&str], envs: &[(&str, &Path)]) -> (i32, Vec<u8>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keylint"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = common::output_within(&mut cmd, Duration::from_secs(120));
    let mut text = out.stdout;
    text.extend_from_slice(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// One folder per key, holding the key in every position of every file kind.
fn plant_everywhere(dir: &Path, keys: &[String]) {
    for (i, k) in keys.iter().enumerate() {
        let d = format!("k{i}");
        write(
            dir,
            &format!("{d}/.env"),
            &format!(
                "OPENAI_API_KEY={k}\nOPENAI_BASE_URL=https://api.openai.com/v1?key={k}\n\
                 # the old key was {k}\nAUTH=\"Authorization: Bearer {k}\"\nREF=${{{k}}}\n\
                 ANTHROPIC_API_KEY=\"{k} \"\nMODEL={k}\n\
                 GITHUB_TOKEN={k}\nVITE_STRIPE_SECRET_KEY={k}\nAWS_SECRET_ACCESS_KEY={k}\n\
                 TWILIO_AUTH_TOKEN={k}\nTWILIO_API_KEY={k}\nSUPABASE_SERVICE_ROLE_KEY={k}\n"
            ),
        );
        write(dir, &format!("{d}/.env.example"), "OPENAI_API_KEY=\n");
        write(
            dir,
            &format!("{d}/.vscode/settings.json"),
            &format!(
                "{{\n  // key {k}\n  \"terminal.integrated.env.linux\": {{ \"OPENAI_API_KEY\": \"{k}\", \"{k}\": \"x\" }},\n  \
                 \"rest-client.environmentVariables\": {{ \"$shared\": {{ \"token\": \"{k}\" }} }},\n  \
                 \"x.env\": [{{ \"name\": \"OPENAI_API_KEY\", \"value\": \"{k}\" }}]\n}}\n"
            ),
        );
        write(
            dir,
            &format!("{d}/.cursor/mcp.json"),
            &format!(
                "{{ \"mcpServers\": {{ \"s\": {{ \"command\": \"npx\", \"args\": [\"-y\", \"srv\", \"--api-key\", \"{k}\"],\n  \
                 \"env\": {{ \"OPENAI_API_KEY\": \"${{env:{k}}}\", \"OPENAI_BASE_URL\": \"https://api.openai.com/v1\" }} }} }} }}\n"
            ),
        );
        write(
            dir,
            &format!("{d}/.codex/config.toml"),
            &format!(
                "model = \"{k}\"\n[model_providers.x]\nname = \"x\"\nbase_url = \"https://api.openai.com/v1\"\n\
                 env_key = \"{k}\"\napi_key = \"{k}\"\n"
            ),
        );
        write(
            dir,
            &format!("{d}/app.py"),
            &format!(
                "import os\nfrom openai import OpenAI\nfrom pydantic_settings import BaseSettings\n\n\
                 class S(BaseSettings):\n    openai_api_key: str = \"{k}\"\n\n\
                 # fallback {k}\nclient = OpenAI(api_key=\"{k}\", base_url=\"https://api.openai.com/v1\")\n\
                 v = os.environ[\"{k}\"]\nprint(os.environ[\"OPENAI_API_KEY\"])\n\
                 r = client.chat.completions.create(model=\"{k}\", messages=[])\n\
                 headers = {{\"Authorization\": \"{k}\"}}\n"
            ),
        );
        write(
            dir,
            &format!("{d}/web/src/client.ts"),
            &format!(
                "import OpenAI from 'openai';\nconst a = process.env[\"{k}\"];\n\
                 const c = new OpenAI({{ apiKey: \"{k}\", dangerouslyAllowBrowser: true }});\n\
                 console.log(\"{k}\", process.env.NEXT_PUBLIC_OPENAI_API_KEY);\n\
                 fetch('https://api.openai.com/v1/models', {{ headers: {{ Authorization: `Bearer {k}` }} }});\n"
            ),
        );
        write(
            dir,
            &format!("{d}/docker-compose.yml"),
            &format!(
                "services:\n  app:\n    build: .\n    environment:\n      - OPENAI_API_KEY=${{OPENAI_API_KEY:-{k}}}\n      \
                 - X=${{{k}}}\n      - OPENAI_BASE_URL=https://api.openai.com/v1\n    # {k}\n"
            ),
        );
        write(
            dir,
            &format!("{d}/Dockerfile"),
            &format!(
                "FROM python:3.12\nARG OPENAI_API_KEY={k}\nENV ANTHROPIC_API_KEY={k}\nENV GITHUB_TOKEN={k}\nARG NPM_TOKEN={k}\n\
                 RUN curl -H \"Authorization: Bearer {k}\" https://api.openai.com/v1/models\nCOPY . .\n"
            ),
        );
        write(
            dir,
            &format!("{d}/.github/workflows/ci.yml"),
            &format!(
                "on: [pull_request]\nenv:\n  OPENAI_API_KEY: {k}\n  NPM_TOKEN: {k}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    \
                 steps:\n      - run: echo {k} $NPM_TOKEN ${{{{ secrets.{k} }}}} ${{{{ secrets.OPENAI_API_KEY }}}}\n        \
                 env:\n          K: ${{{{ secrets.OPENAI_API_KEY }}}}\n"
            ),
        );
        // the literal pass: scripts, batch, PowerShell, docs, properties, notebooks, any text
        write(
            dir,
            &format!("{d}/scripts/setup.sh"),
            &format!("export OPENAI_API_KEY=\"{k}\"\nexport DEEPSEEK_API_KEY={k} # {k}\n"),
        );
        write(
            dir,
            &format!("{d}/run.bat"),
            &format!("set GEMINI_API_KEY={k}\r\nREM {k}\r\n"),
        );
        write(
            dir,
            &format!("{d}/start.ps1"),
            &format!("$env:GROQ_API_KEY = \"{k}\"\n"),
        );
        write(
            dir,
            &format!("{d}/docs/setup.md"),
            &format!("Run `OPENAI_API_KEY={k} make`; base https://api.deepseek.com\n\n    {k}\n"),
        );
        write(
            dir,
            &format!("{d}/src/main/resources/application.properties"),
            &format!("spring.ai.openai.api-key={k}\nzhipu.key={k}\n# ZHIPUAI_API_KEY\n"),
        );
        write(dir, &format!("{d}/notes.txt"), &format!("{k}\n"));
        write(
            dir,
            &format!("{d}/nb/explore.ipynb"),
            &format!(
                "{{\"cells\": [{{\"cell_type\": \"code\", \"source\": [\"import os\\n\", \"os.environ[\\\"DEEPSEEK_API_KEY\\\"] = \\\"{k}\\\"\\n\"], \
                 \"outputs\": [{{\"output_type\": \"stream\", \"text\": [\"{k}\\n\"]}}]}}], \"nbformat\": 4}}\n"
            ),
        );
        // a notebook that is not JSON: reported at the JSON line, with a parse note
        write(
            dir,
            &format!("{d}/nb/broken.ipynb"),
            &format!("{{\"cells\": [\"{k}\"\n"),
        );
        // a commented-out key in source
        write(
            dir,
            &format!("{d}/commented.py"),
            &format!("# client = OpenAI(api_key=\"{k}\")\n"),
        );
        // a key used as a folder and a file name
        write(
            dir,
            &format!("{d}/{k}/.env"),
            "OPENAI_API_KEY=sk-xxxx\nOPENAI_BASE_URL=https://api.openai.com/v1/chat/completions\n",
        );
        write(dir, &format!("{d}/{k}.env"), "OPENAI_API_KEY=sk-xxxx\n");
        // a fix far from another: the diff must not show the lines between them
        let filler: String = (0..12).map(|j| format!("OTHER_{j}={k}\n")).collect();
        write(
            dir,
            &format!("{d}/fixme/.env"),
            &format!(
                "OPENAI_API_KEY=\"{k} \"\n{filler}ZHIPU_BASE_URL=https://open.bigmodel.cn/api/paas/v3\n"
            ),
        );
    }
}

#[test]
fn no_window_of_any_planted_key_in_any_output() {
    let keys = planted_keys();
    assert!(keys.len() >= 25, "{} keys", keys.len());
    let wins = windows(&keys);
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    plant_everywhere(d, &keys);
    let summary = d.join("summary.md");
    let mut total = 0usize;
    for args in [
        &["lint", ".", "--verbose", "--color", "never"][..],
        &["lint", ".", "--color", "always"],
        &["lint", ".", "--format", "json"],
        &["lint", ".", "--format", "sarif"],
        &["lint", ".", "--format", "github"],
        &["lint", ".", "--diff"],
        &["lint", ".", "--format", "sarif", "--output", "out.sarif"],
        &["lint", ".", "--write-baseline", "base.json"],
        &["lint", ".", "--fail-on", "info", "--format", "json"],
    ] {
        let (code, out) = keylint(d, args, &[("GITHUB_STEP_SUMMARY", &summary)]);
        assert!(code == 0 || code == 1, "{args:?}: exit {code}");
        assert_no_window(&format!("{args:?}"), &out, &wins);
        total += out.len();
    }
    // the runs above really printed findings about these files
    assert!(total > 100_000, "only {total} bytes of output");
    // ... the literal pass's file kinds among them
    let (_, json) = keylint(d, &["lint", ".", "--format", "json"], &[]);
    let json = String::from_utf8_lossy(&json);
    for path in [
        "scripts/setup.sh",
        "run.bat",
        "start.ps1",
        "docs/setup.md",
        "application.properties",
        "notes.txt",
        "nb/explore.ipynb",
        "nb/broken.ipynb",
        "commented.py",
    ] {
        assert!(json.contains(path), "no finding in {path}");
    }
    for written in ["summary.md", "out.sarif", "base.json"] {
        let text = std::fs::read(d.join(written)).expect(written);
        assert!(!text.is_empty(), "{written} is empty");
        assert_no_window(written, &text, &wins);
    }
    // the baseline written above hides every finding again
    let (code, out) = keylint(d, &["lint", ".", "--baseline", "base.json"], &[]);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out));
}

/// git with a fixed identity and no user or system config.
fn git(dir: &Path, args: &[&str]) {
    common::git(dir, args);
}

#[test]
fn history_never_prints_a_planted_key() {
    let keys = planted_keys();
    let wins = windows(&keys);
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    plant_everywhere(d, &keys);
    // every key committed; then half the folders deleted (not at HEAD) and a range and a
    // bad range that quotes a key
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "keys"]);
    for i in (0..keys.len()).step_by(2) {
        git(d, &["rm", "-rq", &format!("k{i}")]);
    }
    git(d, &["commit", "-qm", "half"]);
    let summary_dir = tempfile::tempdir().expect("tmp");
    let summary = summary_dir.path().join("summary.md");
    let mut total = 0usize;
    let bad = format!("{}..HEAD", keys[0]);
    for args in [
        &["history", "-v"][..],
        &["history", "--format", "json", "-v"],
        &["history", "--format", "sarif", "-v"],
        &["history", "--format", "github", "-v"],
        &["history", "HEAD~1..HEAD", "--format", "json"],
        &["history", "HEAD", ".", "--since", "2000-01-01"],
    ] {
        let (code, out) = keylint(d, args, &[("GITHUB_STEP_SUMMARY", &summary)]);
        assert!(code == 0 || code == 1, "{args:?}: exit {code}");
        assert_no_window(&format!("{args:?}"), &out, &wins);
        total += out.len();
    }
    assert!(total > 20_000, "only {total} bytes of output");
    let text = std::fs::read(&summary).expect("job summary");
    assert!(text.len() > 1_000, "job summary: {} bytes", text.len());
    assert_no_window("history job summary", &text, &wins);
    for args in [
        &["history", bad.as_str()][..],
        &["history", "--since", &keys[1]],
    ] {
        let (code, out) = keylint(d, args, &[]);
        assert_eq!(code, 2, "{}", String::from_utf8_lossy(&out));
        assert_no_window("history error", &out, &wins);
    }
}

#[test]
fn config_baseline_and_argument_errors_do_not_quote_keys() {
    let keys = planted_keys();
    let wins = windows(&keys);
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    common::plant_mismatch(d);
    for (i, k) in keys.iter().enumerate() {
        // a keylint.toml with an unknown field, then one with a syntax error, next to a key
        let bad = [
            format!("[checks]\ndisable = []\nopenai_key = \"{k}\"\n"),
            format!("[scan]\nexclude = [\"{k}\"\nkey = {k}\n"),
        ];
        for (j, text) in bad.iter().enumerate() {
            let name = format!("bad{i}_{j}.toml");
            write(d, &name, text);
            let (code, out) = keylint(d, &["lint", ".", "--config", &name], &[]);
            assert_eq!(code, 2, "{}", String::from_utf8_lossy(&out));
            assert_no_window(&name, &out, &wins);
        }
        // a dotenv file given as the config
        write(d, "prod.env", &format!("OPENAI_API_KEY={k}\n"));
        let (code, out) = keylint(d, &["lint", ".", "--config", "prod.env"], &[]);
        assert_eq!(code, 2);
        assert_no_window("--config prod.env", &out, &wins);
        // a malformed baseline, and a well-formed one whose stale entries hold the key
        write(
            d,
            "bad.json",
            &format!("{{\"version\": 1, \"x\": \"{k}\"\n"),
        );
        let (code, out) = keylint(d, &["lint", ".", "--baseline", "bad.json"], &[]);
        assert_eq!(code, 2);
        assert_no_window("malformed baseline", &out, &wins);
        write(
            d,
            "stale.json",
            &format!(
                "{{\"version\": 1, \"tool\": \"keylint\", \"findings\": [{{\"rule\": \"{k}\", \"path\": \"{k}/.env\", \"fingerprint\": \"{k}\"}}]}}"
            ),
        );
        for fmt in ["human", "json"] {
            let (_, out) = keylint(
                d,
                &["lint", ".", "--baseline", "stale.json", "--format", fmt],
                &[],
            );
            assert!(
                String::from_utf8_lossy(&out).contains("stale") || fmt == "human",
                "{}",
                String::from_utf8_lossy(&out)
            );
            assert_no_window("stale baseline entries", &out, &wins);
        }
        // a key given as a path that does not exist
        let (code, out) = keylint(d, &["lint", k], &[]);
        assert_eq!(code, 2);
        assert_no_window("missing path", &out, &wins);
    }
}

#[test]
fn control_bytes_in_names_and_content_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = common::plant_mismatch(d);
    // OSC 52 (set clipboard), clear screen, BEL, a bare CR that would overwrite the line, C1 CSI
    let evil = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\rkeylint: no problems\u{9b}31m";
    write(
        d,
        &format!("x{evil}/.env"),
        &format!("OPENAI_API_KEY={key}\nOPENAI_BASE_URL=https://api.openai.com/v1 # {evil}\n"),
    );
    write(
        d,
        "app.py",
        &format!("import os\n# {evil}\nprint(os.environ[\"OPENAI_KEY{evil}\"])\n"),
    );
    write(
        d,
        "docker-compose.yml",
        &format!("services:\n  app:\n    environment:\n      - \"X=${{UNDEFINED_{evil}}}\"\n"),
    );
    let summary = d.join("summary.md");
    for args in [
        &[
            "lint",
            ".",
            "--verbose",
            "--color",
            "never",
            "--fail-on",
            "info",
        ][..],
        &["lint", ".", "--format", "github"],
        &["lint", ".", "--diff"],
    ] {
        let (code, out) = keylint(d, args, &[("GITHUB_STEP_SUMMARY", &summary)]);
        assert!(code == 0 || code == 1, "{args:?}");
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("key-endpoint-mismatch") || args.contains(&"--diff"));
        for bad in ['\u{1b}', '\u{7}', '\u{9b}'] {
            assert!(!text.contains(bad), "{args:?} printed {bad:?}:\n{text}");
        }
        assert!(
            !text.contains("\rkeylint"),
            "{args:?} printed a bare CR:\n{text}"
        );
    }
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert!(!md.contains('\u{1b}'), "{md}");
    // with colours the only escapes are keylint's own SGR sequences
    let (_, out) = keylint(d, &["lint", ".", "--color", "always"], &[]);
    let text = String::from_utf8_lossy(&out);
    for (i, _) in text.match_indices('\u{1b}') {
        assert_eq!(text.as_bytes().get(i + 1), Some(&b'['), "{text}");
    }
}
