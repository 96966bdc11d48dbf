//! Hostile repositories, through the real binary: each case must finish (bounded time and
//! memory), say what it skipped, exit with the right status, and never print the planted key.

#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn planted(dir: &Path) -> String {
    common::plant_mismatch(dir)
}

/// (exit status, stdout + stderr, wall time); every run uses --verbose so skips are listed.
fn run(dir: &Path, extra: &[&str]) -> (i32, String, Duration) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(["lint", ".", "--verbose", "--color", "never"])
        .args(extra)
        .current_dir(dir)
        .output()
        .expect("run keylint");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text, t.elapsed())
}

fn check(dir: &Path, key: &str, expect_code: i32, expect_in_output: &[&str]) -> String {
    let (code, out, took) = run(dir, &[]);
    assert_eq!(code, expect_code, "{out}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(!out.contains(&key[12..]), "a key was printed:\n{out}");
    for want in expect_in_output {
        assert!(out.contains(want), "missing `{want}` in:\n{out}");
    }
    let (_, json, _) = run(dir, &["--format", "json"]);
    assert!(!json.contains(&key[12..]));
    out
}

#[test]
fn binary_named_env_and_non_utf8_content() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    std::fs::create_dir_all(d.join("bin")).expect("mkdir");
    std::fs::write(d.join("bin/.env"), b"\x00\x01OPENAI_API_KEY=\x00\xff\xfe").expect("write");
    std::fs::write(d.join("latin1.env"), b"OPENAI_API_KEY=caf\xe9\n").expect("write");
    check(
        d,
        &key,
        1,
        &[
            "skipped bin/.env: binary",
            "skipped latin1.env",
            "key-endpoint-mismatch",
        ],
    );
}

#[test]
fn non_utf8_file_names() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let odd = d.join(OsStr::from_bytes(b"caf\xe9"));
    std::fs::create_dir_all(&odd).expect("mkdir");
    std::fs::write(odd.join(".env.example"), "OPENAI_API_KEY=\n").expect("write");
    std::fs::write(d.join(OsStr::from_bytes(b"x\xff.env")), "A=1\n").expect("write");
    check(d, &key, 1, &["key-endpoint-mismatch"]);
}

#[test]
fn symlink_loops_and_links_out_of_the_root() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    std::fs::create_dir_all(d.join("a")).expect("mkdir");
    symlink("..", d.join("a/up")).expect("symlink");
    symlink("loop2", d.join("loop1")).expect("symlink");
    symlink("loop1", d.join("loop2")).expect("symlink");
    symlink("/etc", d.join("etc")).expect("symlink");
    symlink("/etc/hostname", d.join("host.env")).expect("symlink");
    // a file that is gone by the time it is read
    symlink("does-not-exist", d.join("gone.env")).expect("symlink");
    let out = check(d, &key, 1, &["key-endpoint-mismatch", "host.env"]);
    assert!(!out.contains("etc/passwd"));
}

#[test]
fn deep_nesting_and_alias_bombs_in_every_structured_format() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let deep_json = "[".repeat(10_000);
    let deep_yaml = "a: ".to_string() + &"[".repeat(10_000);
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    std::fs::create_dir_all(d.join(".vscode")).expect("mkdir");
    std::fs::create_dir_all(d.join(".codex")).expect("mkdir");
    std::fs::create_dir_all(d.join(".github/workflows")).expect("mkdir");
    std::fs::write(d.join(".vscode/mcp.json"), &deep_json).expect("write");
    std::fs::write(d.join(".codex/config.toml"), format!("a = {deep_json}")).expect("write");
    std::fs::write(d.join(".github/workflows/deep.yml"), &deep_yaml).expect("write");
    std::fs::write(d.join(".github/workflows/bomb.yml"), bomb).expect("write");
    std::fs::write(d.join("compose.yaml"), bomb).expect("write");
    std::fs::write(
        d.join("deep.js"),
        "(".repeat(100_000) + "process.env.OPENAI_API_KEY",
    )
    .expect("write");
    check(d, &key, 1, &["parse-error", "key-endpoint-mismatch"]);
}

#[test]
fn a_200_mb_single_line_file_is_skipped_not_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let f = std::fs::File::create(d.join("bundle.js")).expect("create");
    f.set_len(200 << 20).expect("sparse 200 MB");
    check(d, &key, 1, &["skipped bundle.js: larger than the size cap"]);
}

#[test]
fn a_hundred_thousand_empty_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    for i in 0..100 {
        let sub = d.join(format!("pkg{i}"));
        std::fs::create_dir_all(&sub).expect("mkdir");
        for j in 0..1000 {
            let name = match j % 4 {
                0 => format!("m{j}.ts"),
                1 => format!("m{j}.py"),
                2 => format!(".env.{j}"),
                _ => format!("f{j}.txt"),
            };
            std::fs::File::create(sub.join(name)).expect("create");
        }
    }
    check(d, &key, 1, &["key-endpoint-mismatch"]);
}

#[test]
fn unreadable_folder_is_a_note_not_a_failure() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    let locked = d.join("locked");
    std::fs::create_dir_all(&locked).expect("mkdir");
    std::fs::write(locked.join(".env"), "A=1\n").expect("write");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let root = std::fs::read_dir(&locked).is_ok(); // root reads anything: nothing to skip then
    let want: &[&str] = if root {
        &["key-endpoint-mismatch"]
    } else {
        &["key-endpoint-mismatch", "locked"]
    };
    check(d, &key, 1, want);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[test]
fn a_fifo_named_like_an_env_file_is_never_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = planted(dir.path());
    let made = Command::new("mkfifo")
        .arg(dir.path().join(".env.local"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        return; // no mkfifo on this machine
    }
    // opening the FIFO would block forever; the run must finish and still judge `.env`
    check(dir.path(), &key, 1, &["key-endpoint-mismatch"]);
}

/// A parser that panics on one file (forced, in debug builds, through
/// `KEYLINT_DEBUG_PANIC_ON`): that file becomes a parse-error finding, the rest of the tree is
/// still linted, and the run ends. (The panic hook runs on a walker thread; it once waited
/// forever for the stderr lock the main thread held.) Polled with a deadline, so a hang fails
/// the test instead of stalling the suite.
#[test]
#[cfg(debug_assertions)]
fn a_parser_panic_on_a_worker_thread_is_reported_and_the_run_ends() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let key = planted(d);
    std::fs::create_dir_all(d.join("app")).expect("mkdir");
    for i in 0..200 {
        std::fs::write(
            d.join(format!("app/f{i}.js")),
            "const k = process.env.OPENAI_API_KEY;\n",
        )
        .expect("write");
    }
    let out_path = d.join("out.txt");
    let out_file = std::fs::File::create(&out_path).expect("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(["lint", ".", "--color", "never"])
        .env("KEYLINT_DEBUG_PANIC_ON", "app/f7.js")
        .current_dir(d)
        .stdout(out_file.try_clone().expect("clone"))
        .stderr(out_file)
        .spawn()
        .expect("run keylint");
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if t.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("keylint did not finish after a parser panic");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = std::fs::read_to_string(&out_path).expect("read");
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(
        out.contains("internal error while parsing this file"),
        "{out}"
    );
    assert!(out.contains("app/f7.js"), "{out}");
    assert!(
        out.contains("key-endpoint-mismatch"),
        "the rest was linted:\n{out}"
    );
    assert!(!out.contains(&key[12..]), "a key was printed:\n{out}");
}
