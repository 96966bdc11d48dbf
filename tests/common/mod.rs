//! Test harness: materialize a fixture folder into a temp dir, swapping placeholders for
//! synthetic keys built from the catalog, then lint it with the library.
//!
//! Placeholders: `@@KEY:<provider>@@` (a format-valid key), `@@KEY:<provider>:<n>@@` (another
//! one), `@@TRUNC:<provider>@@` (a key cut short); `<provider>` may also be the id of a
//! `[[secret]]` in rules/secrets.toml (`@@KEY:github-pat@@`) or of a public-by-design kind
//! (`@@KEY:stripe-publishable@@`). `_gitignore` becomes `.gitignore`, so a
//! fixture's own ignore rules never make git drop the fixture's `.env` files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use keylint::catalog::{Catalog, synth_key};

pub struct Materialized {
    pub dir: tempfile::TempDir,
    /// every synthetic key written into the fixture
    pub keys: Vec<String>,
}

pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn key_for(catalog: &Catalog, provider: &str, n: u64) -> String {
    let spec = match catalog.index_of(provider) {
        Some(p) => &catalog.provider(p).keys[0].example,
        None => match catalog.secret_index(provider) {
            Some(s) => &catalog.secrets[s].example,
            // a public-by-design kind (`@@KEY:stripe-publishable@@`)
            None => catalog
                .public_by_design
                .kinds
                .iter()
                .find(|k| k.id == provider)
                .and_then(|k| k.example.as_ref())
                .unwrap_or_else(|| panic!("unknown provider, secret or public kind {provider}")),
        },
    };
    let seed = provider.bytes().fold(n * 7919, |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    synth_key(spec, seed)
}

pub fn substitute(catalog: &Catalog, text: &str, keys: &mut Vec<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("@@") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after.find("@@").expect("closing @@");
        let spec = &after[..end];
        let mut parts = spec.split(':');
        let (kind, provider) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let n: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1);
        let key = key_for(catalog, provider, n);
        let value = match kind {
            "KEY" => key.clone(),
            "TRUNC" => key[..key.len() - 10].to_string(),
            other => panic!("unknown placeholder {other}"),
        };
        keys.push(value.clone());
        if kind == "TRUNC" {
            keys.push(key);
        }
        out.push_str(&value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

pub fn materialize(src: &Path) -> Materialized {
    let catalog = Catalog::builtin().expect("catalog");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut keys = Vec::new();
    copy(&catalog, src, dir.path(), &mut keys);
    Materialized { dir, keys }
}

fn copy(catalog: &Catalog, from: &Path, to: &Path, keys: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .expect("read fixture")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let target_name = if name == "_gitignore" {
            ".gitignore".to_string()
        } else {
            name
        };
        let target = to.join(target_name);
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy(catalog, &e.path(), &target, keys);
        } else {
            let text = std::fs::read_to_string(e.path()).expect("fixture is text");
            std::fs::write(&target, substitute(catalog, &text, keys)).expect("write");
        }
    }
}

/// Writes a gitignored `.env` that sends an OpenRouter key to the OpenAI endpoint into `dir`;
/// returns the synthetic key (for no-leak assertions).
pub fn plant_mismatch(dir: &Path) -> String {
    let catalog = Catalog::builtin().expect("catalog");
    let mut keys = Vec::new();
    let env = substitute(
        &catalog,
        "OPENAI_API_KEY=@@KEY:openrouter@@\nOPENAI_BASE_URL=https://api.openai.com/v1\n",
        &mut keys,
    );
    std::fs::write(dir.join(".env"), env).expect("write");
    std::fs::write(dir.join(".gitignore"), ".env\n").expect("write");
    keys.remove(0)
}

pub fn lint(dir: &Path) -> keylint::Report {
    keylint::lint(&[dir.to_path_buf()], &keylint::config::Config::default(), 2).expect("lint runs")
}

pub fn render(report: &keylint::Report, format: keylint::cli::Format) -> String {
    let mut out = Vec::new();
    let mut err = Vec::new();
    keylint::render::render(
        report,
        format,
        &keylint::render::RenderOptions::plain(),
        &mut out,
        &mut err,
    )
    .expect("render");
    String::from_utf8(out).expect("utf8") + &String::from_utf8(err).expect("utf8")
}

/// Every fixture case folder: (check id, case name, path).
pub fn cases() -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    for check in std::fs::read_dir(fixtures_root())
        .expect("fixtures")
        .flatten()
    {
        for case in std::fs::read_dir(check.path())
            .expect("check dir")
            .flatten()
        {
            out.push((
                check.file_name().to_string_lossy().into_owned(),
                case.file_name().to_string_lossy().into_owned(),
                case.path(),
            ));
        }
    }
    out.sort();
    out
}

/// Runs `cmd` to the end with a deadline: output goes to temporary files (no pipe can fill
/// and block the child), and a child still running at the deadline is killed and the test
/// fails, so a hang fails one test instead of blocking the suite.
pub fn output_within(
    cmd: &mut std::process::Command,
    deadline: std::time::Duration,
) -> std::process::Output {
    let capture = tempfile::tempdir().expect("tmp");
    let (o, e) = (capture.path().join("out"), capture.path().join("err"));
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&o).expect("out"))
        .stderr(std::fs::File::create(&e).expect("err"))
        .spawn()
        .expect("spawn");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: std::fs::read(&o).expect("read stdout"),
        stderr: std::fs::read(&e).expect("read stderr"),
    }
}

/// `git` in `dir` with a fixed identity and date, no user or system config, and file-protocol
/// submodules allowed: fixture repositories built the same way on every machine.
pub fn git_command(dir: &Path, date: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .args([
            "-c",
            "user.name=keylint test",
            "-c",
            "user.email=test@keylint.invalid",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(["-c", "protocol.file.allow=always"]);
    cmd
}

/// [`git_command`] that must succeed; its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    git_at(dir, "2024-03-01T12:00:00Z", args)
}

/// [`git`] at a given author and committer date.
pub fn git_at(dir: &Path, date: &str, args: &[&str]) -> String {
    let out = git_command(dir, date)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
