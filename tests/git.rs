//! Git-aware linting on real repositories built by the test with the git CLI: "committed" comes
//! from git's index (tracked although `.gitignore` lists it, force-added, worktrees,
//! submodules), `--staged` judges the commit being prepared, and the pre-commit hook's own
//! entry (read from `.pre-commit-hooks.yaml`) stops the commits it must stop.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use keylint::catalog::Catalog;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_keylint")
}

/// `git` with a fixed identity and no user or system config (not asserted: a hook may refuse).
fn git(dir: &Path, args: &[&str]) -> Output {
    common::git_command(dir, "2024-03-01T12:00:00Z")
        .args(args)
        .output()
        .expect("git runs")
}

fn git_ok(dir: &Path, args: &[&str]) {
    common::git(dir, args);
}

struct Repo {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    keys: Vec<String>,
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("repo");
        std::fs::create_dir(&dir).expect("mkdir");
        git_ok(&dir, &["init", "-q"]);
        Repo {
            _tmp: tmp,
            dir,
            keys: Vec::new(),
        }
    }

    /// Writes `rel`, swapping `@@KEY:provider@@` placeholders for synthetic keys.
    fn write(&mut self, rel: &str, text: &str) {
        let catalog = Catalog::builtin().expect("catalog");
        let text = common::substitute(&catalog, text, &mut self.keys);
        let p = self.dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    fn git(&self, args: &[&str]) {
        git_ok(&self.dir, args);
    }

    fn commit(&self, msg: &str) {
        self.git(&["commit", "-q", "--no-verify", "-m", msg]);
    }

    /// `keylint ARGS` in the repository; (exit code, stdout + stderr). No planted key may
    /// appear in it.
    fn keylint(&self, args: &[&str]) -> (i32, String) {
        let out = Command::new(bin())
            .current_dir(&self.dir)
            .args(args)
            .output()
            .expect("keylint runs");
        let text = self.checked(&out);
        (out.status.code().unwrap_or(-1), text)
    }

    /// stdout + stderr of a run, which must not contain any planted key.
    fn checked(&self, out: &Output) -> String {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for k in &self.keys {
            assert!(
                !text.contains(k.as_str()),
                "a planted key was printed:\n{text}"
            );
        }
        text
    }

    /// Installs the hook as pre-commit would run it: the entry from `.pre-commit-hooks.yaml`
    /// with the staged files (added, copied, modified, renamed) as arguments.
    fn install_hook(&self) {
        let yaml = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
        )
        .expect("hook file");
        let entry = yaml
            .lines()
            .find_map(|l| l.trim().strip_prefix("entry:"))
            .expect("entry")
            .trim();
        assert!(
            yaml.contains("pass_filenames: true") && entry.starts_with("keylint "),
            "hook shape changed: update this test"
        );
        let cmd = entry.replacen("keylint", bin(), 1);
        let script = format!(
            "#!/bin/sh\nfiles=$(git diff --cached --name-only --diff-filter=ACMR)\nexec {cmd} $files\n"
        );
        let hook = self.dir.join(".git/hooks/pre-commit");
        std::fs::write(&hook, script).expect("hook");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }

    /// `git commit` with the hook: did it go through?
    fn commit_with_hook(&self, msg: &str) -> (bool, String) {
        let out = git(&self.dir, &["commit", "-q", "-m", msg]);
        let text = self.checked(&out);
        (out.status.success(), text)
    }
}

const ENV_WITH_KEY: &str = "OPENAI_API_KEY=@@KEY:openai@@\n";

#[test]
fn tracked_env_that_gitignore_lists_is_committed() {
    let mut r = Repo::new();
    r.write(".env", ENV_WITH_KEY);
    r.write("app.py", "import os\nkey = os.environ['OPENAI_API_KEY']\n");
    r.git(&["add", "."]);
    r.commit("first");
    // the pattern comes after the commit: git keeps tracking the file
    r.write(".gitignore", ".env\n");
    r.git(&["add", ".gitignore"]);
    r.commit("ignore .env");
    let (rc, out) = r.keylint(&["lint", "."]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("committed-key"), "{out}");
    assert!(out.contains("although .gitignore lists it"), "{out}");
    assert!(out.contains("git rm --cached .env"), "{out}");
    // untracked, the same file is local: nothing
    r.git(&["rm", "-q", "--cached", ".env"]);
    r.commit("untrack");
    let (rc, out) = r.keylint(&["lint", "."]);
    assert!(!out.contains("committed-key"), "{out}");
    assert_eq!(rc, 0, "{out}");
}

#[test]
fn tracked_file_in_an_ignored_folder_is_read() {
    let mut r = Repo::new();
    r.write(".gitignore", "config/\n");
    r.write("config/.env", ENV_WITH_KEY);
    r.git(&["add", ".gitignore"]);
    r.git(&["add", "-f", "config/.env"]);
    r.commit("force");
    let (rc, out) = r.keylint(&["lint", "."]);
    assert_eq!(rc, 1, "{out}");
    assert!(
        out.contains("committed-key") && out.contains("config/.env"),
        "{out}"
    );
}

#[test]
fn force_added_env_fails_staged_and_the_hook() {
    let mut r = Repo::new();
    r.write(".gitignore", ".env\n");
    r.write("README.md", "# app\n");
    r.git(&["add", "."]);
    r.commit("first");
    r.write(".env", ENV_WITH_KEY);
    // untracked and ignored: the commit does not carry it
    let (rc, out) = r.keylint(&["lint", "--staged"]);
    assert_eq!(rc, 0, "{out}");
    r.git(&["add", "-f", ".env"]);
    let (rc, out) = r.keylint(&["lint", "--staged"]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("committed-key"), "{out}");
    r.install_hook();
    let (ok, out) = r.commit_with_hook("add env");
    assert!(
        !ok,
        "the hook let a force-added .env with a key through:\n{out}"
    );
    assert!(out.contains("committed-key"), "{out}");
    // nothing was committed
    let head = git(&r.dir, &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(!String::from_utf8_lossy(&head.stdout).contains(".env\n"));
}

#[test]
fn staged_dockerignore_regression_fails_the_hook() {
    let mut r = Repo::new();
    r.write(".gitignore", ".env\n");
    r.write(".dockerignore", ".env\nnode_modules\n");
    r.write(
        "Dockerfile",
        "FROM node:22\nWORKDIR /app\nCOPY . /app\nCMD [\"node\", \"server.js\"]\n",
    );
    r.write(
        "server.js",
        "const key = process.env.OPENAI_API_KEY;\nconsole.log(Boolean(key));\n",
    );
    r.write(".env", ENV_WITH_KEY);
    r.git(&["add", "."]);
    r.commit("first");
    r.install_hook();
    // an unrelated commit goes through
    r.write("README.md", "# app\n");
    r.git(&["add", "README.md"]);
    let (ok, out) = r.commit_with_hook("docs");
    assert!(ok, "{out}");
    // the .dockerignore stops excluding .env; the Dockerfile is unchanged
    r.write(".dockerignore", "node_modules\n");
    r.git(&["add", ".dockerignore"]);
    let (ok, out) = r.commit_with_hook("tidy dockerignore");
    assert!(
        !ok,
        "the hook let the .dockerignore regression through:\n{out}"
    );
    assert!(out.contains("dotenv-in-image"), "{out}");
    // a full lint agrees
    let (rc, out) = r.keylint(&["lint", "."]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("dotenv-in-image"), "{out}");
    // deleting the .dockerignore is caught as well
    r.git(&["reset", "-q", "--hard"]);
    r.git(&["rm", "-q", ".dockerignore"]);
    let (rc, out) = r.keylint(&["lint", "--staged"]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("dotenv-in-image"), "{out}");
}

#[test]
fn staged_reads_the_index_not_the_working_tree() {
    let mut r = Repo::new();
    r.write(".env.example", "OPENAI_API_KEY=\n");
    r.git(&["add", "."]);
    r.commit("first");
    // a key pasted into the example file but not staged: this commit does not carry it
    r.write(".env.example", ENV_WITH_KEY);
    let (rc, out) = r.keylint(&["lint", "--staged"]);
    assert_eq!(rc, 0, "{out}");
    let (rc, out) = r.keylint(&["lint", "."]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("committed-key"), "{out}");
    // staged, then the working copy cleaned: the commit still carries the key
    r.git(&["add", ".env.example"]);
    r.write(".env.example", "OPENAI_API_KEY=\n");
    let (rc, out) = r.keylint(&["lint", "--staged"]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("committed-key"), "{out}");
    // and the file is quoted as staged
    assert!(out.contains(".env.example:1:"), "{out}");
}

#[test]
fn staged_reports_only_what_the_commit_touches() {
    let mut r = Repo::new();
    r.write(".env.example", ENV_WITH_KEY);
    r.git(&["add", "."]);
    r.commit("old mistake");
    r.write("README.md", "# app\n");
    r.git(&["add", "README.md"]);
    // the old committed key is not this commit's doing
    let (rc, out) = r.keylint(&["lint", "--staged"]);
    assert_eq!(rc, 0, "{out}");
    // a file given (pre-commit run --all-files) counts as touched
    let (rc, out) = r.keylint(&["lint", "--staged", ".env.example"]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("committed-key"), "{out}");
}

#[test]
fn worktrees_and_submodules_use_their_own_index() {
    let mut sub = Repo::new();
    sub.write(".gitignore", ".env\n");
    sub.write(".env", ENV_WITH_KEY);
    sub.git(&["add", ".gitignore"]);
    sub.git(&["add", "-f", ".env"]);
    sub.commit("sub");

    let mut top = Repo::new();
    top.keys = sub.keys.clone();
    top.write("README.md", "# top\n");
    top.git(&["add", "."]);
    top.commit("top");
    let sub_path = sub.dir.display().to_string();
    top.git(&["submodule", "add", "-q", &sub_path, "libs/sub"]);
    top.commit("add submodule");
    let (rc, out) = top.keylint(&["lint", "."]);
    assert_eq!(rc, 1, "{out}");
    assert!(
        out.contains("libs/sub/.env") && out.contains("although .gitignore lists it"),
        "{out}"
    );

    // a linked worktree reads the same repository through a `.git` file
    let wt = sub._tmp.path().join("wt");
    sub.git(&["worktree", "add", "-q", &wt.display().to_string()]);
    let out = Command::new(bin())
        .arg("lint")
        .arg(&wt)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("although .gitignore lists it"), "{text}");
}

#[test]
fn outside_git_staged_is_an_error_and_lint_says_what_decides() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("app.py"), "print(1)\n").expect("write");
    let out = Command::new(bin())
        .current_dir(tmp.path())
        .args(["lint", "--staged", "."])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("not inside a git repository"), "{err}");
    let out = Command::new(bin())
        .current_dir(tmp.path())
        .args(["lint", "-v", "."])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("files that no .gitignore lists count as committed"),
        "{err}"
    );
}

#[test]
fn corrupt_index_is_a_note_not_a_panic() {
    let mut r = Repo::new();
    r.write(".env.example", "OPENAI_API_KEY=\n");
    r.git(&["add", "."]);
    r.commit("first");
    std::fs::write(r.dir.join(".git/index"), b"DIRC garbage").expect("write");
    let (rc, out) = r.keylint(&["lint", "-v", "."]);
    assert_eq!(rc, 0, "{out}");
    assert!(out.contains("count as committed"), "{out}");
    let (rc, out) = r.keylint(&["lint", "--staged", "."]);
    assert_eq!(rc, 2, "{out}");
    assert!(!out.contains("panicked"), "{out}");
}

/// Reported paths start at the repository's top level whatever path arguments are given (the
/// Action's `paths: examples/demo`, two paths, a single file, a run from a subfolder), so that
/// annotations and SARIF land on the right file; SARIF says where `%SRCROOT%` is.
#[test]
fn paths_are_relative_to_the_repository_root_whatever_the_arguments() {
    let mut r = Repo::new();
    let env = "OPENAI_API_KEY=@@KEY:openrouter@@\nOPENAI_BASE_URL=https://api.openai.com/v1\n";
    r.write("sub/app/.env", env);
    r.write("other/.env", env);
    r.write(".gitignore", ".env\n");
    r.git(&["add", "."]);
    r.commit("init");
    let annotated = |args: &[&str], cwd: &Path| -> Vec<String> {
        let out = Command::new(bin())
            .current_dir(cwd)
            .args(args)
            .args(["--format", "github"])
            .output()
            .expect("keylint runs");
        let text = r.checked(&out);
        let mut files: Vec<String> = text
            .lines()
            .filter(|l| l.contains("key-endpoint-mismatch"))
            .filter_map(|l| l.split("file=").nth(1))
            .map(|l| l.split(',').next().unwrap_or("").to_string())
            .collect();
        files.sort();
        files.dedup();
        files
    };
    let root = r.dir.clone();
    assert_eq!(annotated(&["lint", "sub/app"], &root), ["sub/app/.env"]);
    assert_eq!(
        annotated(&["lint", "sub/app/.env"], &root),
        ["sub/app/.env"]
    );
    assert_eq!(
        annotated(&["lint", "sub/app", "other"], &root),
        ["other/.env", "sub/app/.env"]
    );
    assert_eq!(
        annotated(&["lint", "app"], &root.join("sub")),
        ["sub/app/.env"]
    );
    assert_eq!(
        annotated(&["lint", "."], &root),
        ["other/.env", "sub/app/.env"]
    );
    // SARIF: the same relative URIs, based at the repository's top level
    let out = Command::new(bin())
        .current_dir(root.join("sub"))
        .args(["lint", "app", "--format", "sarif"])
        .output()
        .expect("keylint runs");
    let text = r.checked(&out);
    let v: serde_json::Value = serde_json::from_str(&text).expect("sarif");
    let run = &v["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("base uri");
    let canon = root.canonicalize().expect("canon");
    assert_eq!(base, format!("file://{}/", canon.display()));
    let uris: Vec<&str> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| {
            x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("")
        })
        .collect();
    assert!(uris.contains(&"sub/app/.env"), "{uris:?}");
    // a mismatch names its other side: GitHub links `[text](id)` to the related location
    let linked = run["results"].as_array().expect("results").iter().any(|x| {
        x["relatedLocations"].is_array()
            && x["message"]["text"]
                .as_str()
                .is_some_and(|m| m.contains("](1)"))
    });
    assert!(linked, "{text}");
}
