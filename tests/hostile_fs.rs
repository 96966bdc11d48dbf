//! Hostile file systems, roots and encodings, through the real binary: special files where
//! keylint reads (`.ignore`, `.gitignore`, `--config`, `--baseline`), absurd `--threads`, files
//! outside git, an unreadable root, `--output` onto an input, BOMs, UTF-16 and lone CRs.
//!
//! Every run has a deadline (the child is killed and the test fails after 60 s) and a 4 GB
//! address-space limit, so a hang or a runaway read fails the test instead of stalling CI or
//! the machine.

#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(60);

struct Run {
    code: i32,
    /// stdout then stderr
    out: String,
    stdout: String,
}

/// Runs keylint in `dir` with `args`, under the deadline and the memory limit.
fn keylint(dir: &Path, args: &[&str]) -> Run {
    keylint_as(dir, args, &[])
}

/// [`keylint`] behind a `wrapper` command (e.g. `setpriv` to drop root).
fn keylint_as(dir: &Path, args: &[&str], wrapper: &[&str]) -> Run {
    let mut cmd = Command::new("sh");
    // `exec "$@"`: the limit applies to keylint itself
    cmd.args(["-c", "ulimit -v 4194304 && exec \"$@\"", "sh"]);
    cmd.args(wrapper)
        .arg(env!("CARGO_BIN_EXE_keylint"))
        .args(args)
        .current_dir(dir);
    let output = common::output_within(&mut cmd, DEADLINE);
    let status = output.status;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Run {
        code: status.code().unwrap_or(-1),
        out: stdout.clone() + &stderr,
        stdout,
    }
}

/// `lint . --verbose` (skips are listed) in plain text.
fn lint_here(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["lint", ".", "--verbose", "--color", "never"];
    args.extend_from_slice(extra);
    keylint(dir, &args)
}

/// The first 20-character window of `key` found in `text`.
fn leak<'k>(text: &str, key: &'k str) -> Option<&'k str> {
    (0..=key.len().saturating_sub(20))
        .map(|i| &key[i..i + 20])
        .find(|w| text.contains(w))
}

fn assert_no_leak(run: &Run, key: &str) {
    if let Some(w) = leak(&run.out, key) {
        panic!("a key window `{w}` was printed:\n{}", run.out);
    }
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// The planted `.env` (an OpenRouter key sent to api.openai.com) and its key.
fn planted(dir: &Path) -> String {
    common::plant_mismatch(dir)
}

/// Every finding of a JSON report as (rule, path, line, column).
fn findings(json: &str) -> Vec<(String, String, u64, u64)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("json report");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

fn has(found: &[(String, String, u64, u64)], rule: &str, path: &str, line: u64, col: u64) {
    assert!(
        found
            .iter()
            .any(|f| f.0 == rule && f.1 == path && f.2 == line && f.3 == col),
        "no {rule} at {path}:{line}:{col} in {found:?}"
    );
}

#[test]
fn a_fifo_named_ignore_is_not_opened() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    std::fs::create_dir_all(d.join("sub")).expect("mkdir");
    // a folder's ignore files are read when something in it is: give `sub` a file
    std::fs::write(d.join("sub/.env"), "A=1\n").expect("write");
    if !mkfifo(&d.join(".ignore")) || !mkfifo(&d.join("sub/.ignore")) {
        return; // no mkfifo on this machine
    }
    let run = lint_here(d, &[]);
    assert_eq!(run.code, 1, "{}", run.out);
    assert!(run.out.contains("key-endpoint-mismatch"), "{}", run.out);
    assert!(
        run.out
            .contains("skipped .ignore: not a regular file (a FIFO)"),
        "{}",
        run.out
    );
    assert!(run.out.contains("skipped sub/.ignore"), "{}", run.out);
    assert_no_leak(&run, &key);
}

/// No file that keylint reads by name can block a run as a FIFO: ignore files, a
/// `.dockerignore`, the config files, a Dockerfile, a workflow (each in its own folder, so
/// that each is met).
#[test]
fn no_file_kind_blocks_the_run_as_a_fifo() {
    let names = [
        ".gitignore",
        "a/.gitignore",
        "b/.dockerignore",
        "c/Dockerfile",
        "d/.github/workflows/ci.yml",
        "e/.vscode/settings.json",
        "f/compose.yaml",
        ".keylint.toml",
        "keylint.toml",
        "g/.keylint.toml",
        "h/keylint.toml",
        ".git/info/exclude",
    ];
    for name in names {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        let key = planted(d);
        let p = d.join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        // something to read beside it, so the folder is walked
        std::fs::write(p.parent().expect("parent").join("app.env"), "A=1\n").expect("write");
        if !mkfifo(&p) {
            return; // no mkfifo on this machine
        }
        let run = lint_here(d, &[]);
        assert_eq!(run.code, 1, "{name}: {}", run.out);
        assert!(
            run.out.contains("key-endpoint-mismatch"),
            "{name}: {}",
            run.out
        );
        assert_no_leak(&run, &key);
    }
}

#[test]
fn dev_zero_linked_as_ignore_files_is_not_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    std::fs::create_dir_all(d.join("sub/.git/info")).expect("mkdir");
    symlink("/dev/zero", d.join(".ignore")).expect("symlink");
    symlink("/dev/zero", d.join("sub/.gitignore")).expect("symlink");
    symlink("/dev/zero", d.join("sub/.git/info/exclude")).expect("symlink");
    std::fs::write(d.join("sub/.env"), "A=1\n").expect("write");
    let run = lint_here(d, &[]);
    assert_eq!(run.code, 1, "{}", run.out);
    assert!(run.out.contains("key-endpoint-mismatch"), "{}", run.out);
    for f in [".ignore", "sub/.gitignore", "sub/.git/info/exclude"] {
        assert!(
            run.out.contains(&format!(
                "skipped {f}: symlink pointing outside the scanned root"
            )),
            "{f}: {}",
            run.out
        );
    }
    assert_no_leak(&run, &key);
}

/// `.ignore` still prunes what it excludes now that keylint reads it itself, through a symlink
/// that stays inside the root too; a link inside the root to a FIFO is a note.
#[test]
fn ignore_files_read_safely_still_exclude() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let hidden = d.join("hidden");
    let other = d.join("other");
    std::fs::create_dir_all(&hidden).expect("mkdir");
    std::fs::create_dir_all(&other).expect("mkdir");
    // the planted mismatch, copied where `.ignore` excludes it
    std::fs::copy(d.join(".env"), hidden.join(".env")).expect("copy");
    std::fs::copy(d.join(".env"), other.join("skipme.env")).expect("copy");
    std::fs::write(d.join("rules.txt"), "hidden/\n").expect("write");
    symlink(d.join("rules.txt"), d.join(".ignore")).expect("symlink");
    std::fs::write(other.join(".ignore"), "skipme.env\n").expect("write");
    let run = lint_here(d, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.out);
    let found = findings(&run.stdout);
    assert!(found.iter().any(|f| f.1 == ".env"), "{found:?}");
    assert!(
        found
            .iter()
            .all(|f| !f.1.starts_with("hidden/") && f.1 != "other/skipme.env"),
        "{found:?}"
    );
    if mkfifo(&d.join("pipe")) {
        std::fs::remove_file(other.join(".ignore")).expect("rm");
        symlink(d.join("pipe"), other.join(".ignore")).expect("symlink");
        let run = lint_here(d, &[]);
        assert_eq!(run.code, 1, "{}", run.out);
        assert!(
            run.out
                .contains("skipped other/.ignore: not a regular file (a FIFO)"),
            "{}",
            run.out
        );
        assert_no_leak(&run, &key);
    }
}

#[test]
fn a_fifo_as_config_or_baseline_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let elsewhere = tempfile::tempdir().expect("tmp");
    let fifo = elsewhere.path().join("k.toml");
    if !mkfifo(&fifo) {
        return;
    }
    let fifo = fifo.to_str().expect("utf-8 temp path");
    for flag in ["--config", "--baseline"] {
        let run = lint_here(d, &[flag, fifo]);
        assert_eq!(run.code, 2, "{flag}: {}", run.out);
        // (miette wraps the message)
        assert!(
            run.out.contains("not a regular file") && run.out.contains("FIFO"),
            "{flag}: {}",
            run.out
        );
        assert_no_leak(&run, &key);
    }
    // /dev/zero as either: refused at once, not read until memory runs out
    for flag in ["--config", "--baseline"] {
        let run = lint_here(d, &[flag, "/dev/zero"]);
        assert_eq!(run.code, 2, "{flag}: {}", run.out);
        assert!(run.out.contains("a character device"), "{}", run.out);
    }
    // a repository's own keylint.toml linking to /dev/zero
    symlink("/dev/zero", d.join("keylint.toml")).expect("symlink");
    let run = lint_here(d, &[]);
    assert_eq!(run.code, 2, "{}", run.out);
    assert!(run.out.contains("a symlink pointing"), "{}", run.out);
}

#[test]
fn absurd_thread_counts_are_capped() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let run = lint_here(d, &["--threads", "100000"]);
    assert_eq!(run.code, 1, "{}", run.out);
    assert!(run.out.contains("key-endpoint-mismatch"), "{}", run.out);
    assert_no_leak(&run, &key);
}

/// Is any folder above `p` a git repository? (Then the root rules under test do not apply.)
fn inside_git(p: &Path) -> bool {
    p.ancestors().any(|a| a.join(".git").exists())
}

#[test]
fn files_outside_the_current_folder_and_outside_git_are_linted_from_their_folder() {
    let repo = tempfile::tempdir().expect("tmp");
    let cwd = tempfile::tempdir().expect("tmp");
    let r = repo.path().canonicalize().expect("canon");
    if inside_git(&r) || r.starts_with(cwd.path()) {
        return;
    }
    std::fs::create_dir_all(r.join("a")).expect("mkdir");
    std::fs::create_dir_all(r.join("b")).expect("mkdir");
    let key = planted(&r.join("a"));
    let key_b = planted(&r.join("b"));
    let a_env = r.join("a/.env");
    let b_env = r.join("b/.env");
    let (a_env, b_env) = (
        a_env.to_str().expect("utf-8"),
        b_env.to_str().expect("utf-8"),
    );
    // one file: its folder is the root
    let run = keylint(
        cwd.path(),
        &["lint", a_env, "--format", "json", "--color", "never"],
    );
    assert_eq!(run.code, 1, "{}", run.out);
    let found = findings(&run.stdout);
    assert!(
        found
            .iter()
            .any(|f| f.0 == "key-endpoint-mismatch" && f.1 == ".env"),
        "{found:?}"
    );
    // two files in different folders: their common ancestor, each reported
    let run = keylint(
        cwd.path(),
        &["lint", a_env, b_env, "--format", "json", "--color", "never"],
    );
    assert_eq!(run.code, 1, "{}", run.out);
    let found = findings(&run.stdout);
    for p in ["a/.env", "b/.env"] {
        assert!(
            found
                .iter()
                .any(|f| f.0 == "key-endpoint-mismatch" && f.1 == p),
            "{p}: {found:?}"
        );
    }
    assert_no_leak(&run, &key);
    assert_no_leak(&run, &key_b);
}

#[test]
fn an_unreadable_root_is_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    // the temp folder itself must be reachable by an unprivileged user
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let locked = d.join("locked");
    std::fs::create_dir_all(&locked).expect("mkdir");
    let key = planted(&locked);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // root reads anything: drop to `nobody` when we are root and setpriv is there
    let wrapper: &[&str] = if std::fs::read_dir(&locked).is_ok() {
        let drop = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ];
        let works = Command::new(drop[0])
            .args(&drop[1..])
            .arg("true")
            .status()
            .is_ok_and(|s| s.success());
        if !works {
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755))
                .expect("chmod back");
            return; // cannot make a folder unreadable to this process
        }
        &[
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
    } else {
        &[]
    };
    let run = keylint_as(d, &["lint", "locked", "--color", "never"], wrapper);
    let file_run = keylint_as(d, &["lint", "locked/.env", "--color", "never"], wrapper);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
    assert_eq!(run.code, 2, "{}", run.out);
    assert!(run.out.contains("cannot walk locked"), "{}", run.out);
    assert!(run.out.contains("ermission denied"), "{}", run.out);
    assert_eq!(file_run.code, 2, "{}", file_run.out);
    assert_no_leak(&run, &key);
}

#[test]
fn output_never_overwrites_a_scanned_input() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    std::fs::create_dir_all(d.join("sub")).expect("mkdir");
    std::fs::copy(d.join(".env"), d.join("sub/.env.local")).expect("copy");
    symlink(d.join("sub/.env.local"), d.join("link.env")).expect("symlink");
    let before = std::fs::read(d.join(".env")).expect("read");
    let before_sub = std::fs::read(d.join("sub/.env.local")).expect("read");
    for target in [".env", "./sub/../.env", "sub/.env.local", "link.env"] {
        let run = lint_here(d, &["--format", "json", "--output", target]);
        assert_eq!(run.code, 2, "{target}: {}", run.out);
        assert!(run.out.contains("refusing to overwrite"), "{}", run.out);
        assert_no_leak(&run, &key);
    }
    let run = lint_here(d, &["--write-baseline", ".env"]);
    assert_eq!(run.code, 2, "{}", run.out);
    assert_eq!(std::fs::read(d.join(".env")).expect("read"), before);
    assert_eq!(
        std::fs::read(d.join("sub/.env.local")).expect("read"),
        before_sub
    );
    // a file keylint did not read is fine
    let run = lint_here(d, &["--format", "json", "--output", "report.json"]);
    assert_eq!(run.code, 1, "{}", run.out);
    assert!(d.join("report.json").is_file());
}

#[test]
fn a_utf8_bom_is_skipped_in_every_kind_with_positions_unchanged() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let env = std::fs::read_to_string(d.join(".env")).expect("read");
    std::fs::write(d.join(".env"), format!("\u{feff}{env}")).expect("write");
    std::fs::create_dir_all(d.join(".vscode")).expect("mkdir");
    std::fs::write(
        d.join(".vscode/settings.json"),
        format!("\u{feff}{{\n  \"openai.apiKey\": \"{key}\"\n}}\n"),
    )
    .expect("write");
    std::fs::write(
        d.join("Dockerfile"),
        format!("\u{feff}FROM node:20\nENV OPENAI_API_KEY={key}\n"),
    )
    .expect("write");
    let run = lint_here(d, &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.out);
    assert_no_leak(&run, &key);
    let found = findings(&run.stdout);
    // columns count from the first character after the BOM, as editors show them
    has(&found, "key-endpoint-mismatch", ".env", 1, 16);
    has(
        &found,
        "editor-plaintext-key",
        ".vscode/settings.json",
        2,
        21,
    );
    has(&found, "dockerfile-secret-env", "Dockerfile", 2, 20);
    assert!(!found.iter().any(|f| f.0 == "parse-error"), "{found:?}");
    let human = lint_here(d, &[]);
    assert!(human.out.contains("[.env:1:16]"), "{}", human.out);
    assert!(human.out.contains("[Dockerfile:2:20]"), "{}", human.out);
    assert_no_leak(&human, &key);
}

/// `--fix` splices edits into the text it read; a file read through a decoding (here a BOM) is
/// left as it is, with a note, instead of losing its BOM.
#[test]
fn fix_leaves_decoded_files_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    // a trailing space inside the quotes: key-whitespace, which --fix would remove
    let bytes = format!("\u{feff}OPENAI_API_KEY=\"{key} \"\n").into_bytes();
    std::fs::write(d.join(".env"), &bytes).expect("write");
    let run = lint_here(d, &["--fix"]);
    assert!(run.out.contains("fixes left out"), "{}", run.out);
    assert_eq!(std::fs::read(d.join(".env")).expect("read"), bytes);
    assert_no_leak(&run, &key);
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out: Vec<u8> = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_env_files_are_decoded() {
    for big_endian in [false, true] {
        let dir = tempfile::tempdir().expect("tmp");
        let d = dir.path();
        let key = planted(d);
        let env = std::fs::read_to_string(d.join(".env")).expect("read");
        std::fs::write(d.join(".env"), utf16(&env, big_endian)).expect("write");
        let run = lint_here(d, &["--format", "json"]);
        assert_eq!(run.code, 1, "{}", run.out);
        has(
            &findings(&run.stdout),
            "key-endpoint-mismatch",
            ".env",
            1,
            16,
        );
        assert_no_leak(&run, &key);
        let human = lint_here(d, &[]);
        assert!(human.out.contains("[.env:1:16]"), "{}", human.out);
        assert_no_leak(&human, &key);
        // invalid UTF-16 is a skip with its reason, never silent
        std::fs::write(d.join("bad.env"), b"\xFF\xFEA\x00=\x00\x00\xD8").expect("write");
        let run = lint_here(d, &[]);
        assert!(
            run.out
                .contains("skipped bad.env: not UTF-8 (invalid UTF-16"),
            "{}",
            run.out
        );
    }
}

#[test]
fn a_lone_cr_is_a_line_break_in_dotenv_and_a_split_key_stays_masked() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let (head, tail) = key.split_at(key.len() / 2);
    // a key split over two lines inside its quotes, every line ended by a lone CR: a reader
    // that breaks lines at `\n` only sees one long base URL with the key inside it
    std::fs::write(
        d.join(".env"),
        format!(
            "OPENAI_BASE_URL=https://api.openai.com/v1\rOPENAI_API_KEY=\"{head}\r{tail}\"\rMODEL=gpt-4o\r"
        ),
    )
    .expect("write");
    for format in ["human", "json", "sarif", "github"] {
        let run = lint_here(d, &["--format", format]);
        assert!(run.code == 1, "{format}: {}", run.out);
        assert_no_leak(&run, &key);
        assert!(!run.out.contains(tail), "{format}: the tail was printed");
    }
    let run = lint_here(d, &["--format", "json"]);
    let found = findings(&run.stdout);
    // lines count lone CRs: the key's value starts on line 2
    has(&found, "key-whitespace", ".env", 2, 17);
}

/// A released file replaced by a FIFO is not waited on when re-read, and a changed one is
/// refused by its content hash.
#[test]
fn rereads_refuse_fifos_and_changed_content() {
    use keylint::classify::FileKind;
    let dir = tempfile::tempdir().expect("tmp");
    let fifo: PathBuf = dir.path().join("app.py");
    if !mkfifo(&fifo) {
        return;
    }
    let t = Instant::now();
    assert!(keylint::fsread::reread(&fifo, &FileKind::Source, 1 << 20).is_none());
    assert!(t.elapsed() < Duration::from_secs(5));
    let mut f = keylint::source::SourceFile::released("app.py".into(), "x = 1\n");
    assert!(!f.restore("x = 2\n".into()), "same length, other content");
    assert!(f.restore("x = 1\n".into()));
    assert_eq!(f.text, "x = 1\n");
}
