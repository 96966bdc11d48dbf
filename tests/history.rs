//! `keylint history` on real git repositories the tests build with the git CLI (init, add,
//! commit, rm, amend, branches, a shallow clone, a damaged object store). Keys are synthetic,
//! made at run time from the catalog's generator specs.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use keylint::catalog::synth_key;

fn openrouter(seed: u64) -> String {
    synth_key("sk-or-v1-{hex:64}", seed)
}

fn groq(seed: u64) -> String {
    synth_key("gsk_{alnum:52}", seed)
}

use common::git;

/// A commit at a given date (for `--since`/`--until`).
fn commit_at(dir: &Path, msg: &str, date: &str) {
    common::git_at(dir, date, &["commit", "-qm", msg]);
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tmp");
    git(d.path(), &["init", "-q"]);
    d
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn history(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keylint"));
    cmd.arg("history").args(args).current_dir(dir);
    let out = common::output_within(&mut cmd, Duration::from_secs(60));
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("internal error"),
        "panicked: {}",
        run.stderr
    );
    run
}

fn json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let r = history(dir, &all);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    (r.code, v)
}

fn findings(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["findings"].as_array().expect("findings")
}

#[test]
fn a_key_added_then_removed_is_found_not_at_head() {
    let d = repo();
    let p = d.path();
    let key = openrouter(1);
    write(p, "app/.env", &format!("OPENROUTER_API_KEY={key}\n"));
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "add key"]);
    let added = git(p, &["rev-parse", "HEAD"]);
    git(p, &["rm", "-q", "app/.env"]);
    write(p, "README.md", "nothing here\n");
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "remove key"]);

    let (code, v) = json(p, &[]);
    assert_eq!(code, 1);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["commit"], added.as_str());
    assert_eq!(f[0]["path"], "app/.env");
    assert_eq!(f[0]["line"], 1);
    assert_eq!(f[0]["provider"], "openrouter");
    assert_eq!(f[0]["date"], "2024-03-01");
    assert_eq!(f[0]["at_head"], false);
    assert_eq!(f[0]["status"], "not at HEAD");
    assert!(!v.to_string().contains(&key[12..]), "key printed");

    let human = history(p, &[]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("not at HEAD"), "{}", human.stdout);
    assert!(human.stdout.contains(&added[..10]), "{}", human.stdout);
    assert!(human.stdout.contains("app/.env:1:"), "{}", human.stdout);
    assert!(!human.stdout.contains(&key[12..]));
}

#[test]
fn a_key_still_in_the_tree_is_still_at_head() {
    let d = repo();
    let p = d.path();
    let key = groq(2);
    write(
        p,
        "src/client.py",
        &format!("import os\n\nclient = Groq(api_key=\"{key}\")\n"),
    );
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "one"]);
    write(p, "other.txt", "x\n");
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "two"]);
    let (code, v) = json(p, &[]);
    assert_eq!(code, 1);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["path"], "src/client.py");
    assert_eq!(f[0]["line"], 3);
    assert_eq!(f[0]["at_head"], true);
    assert_eq!(f[0]["status"], "still at HEAD");
    // run from a subfolder: paths stay relative to the repository root
    let (_, v) = json(&p.join("src"), &[]);
    assert_eq!(findings(&v)[0]["path"], "src/client.py");
}

#[test]
fn a_key_moved_to_another_file_is_still_at_head() {
    let d = repo();
    let p = d.path();
    let key = openrouter(3);
    write(p, ".env", &format!("OPENROUTER_API_KEY={key}\n"));
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "one"]);
    git(p, &["rm", "-q", ".env"]);
    write(
        p,
        "deploy/run.sh",
        &format!("export OPENROUTER_API_KEY={key}\n"),
    );
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "two"]);
    let (_, v) = json(p, &[]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["path"], ".env");
    assert_eq!(
        f[0]["at_head"], true,
        "the same key string is in HEAD's tree"
    );
    assert_eq!(f[0]["later_occurrences"], 1);
}

#[test]
fn the_same_blob_in_many_commits_and_paths_is_reported_once() {
    let d = repo();
    let p = d.path();
    let key = openrouter(4);
    let text = format!("OPENROUTER_API_KEY={key}\n");
    write(p, ".env", &text);
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "one"]);
    // the same content copied, a branch carrying it, unrelated commits on top
    write(p, "copy/.env", &text);
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "two"]);
    git(p, &["checkout", "-qb", "side"]);
    write(p, "side.txt", "side\n");
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "side"]);
    git(p, &["checkout", "-q", "main"]);
    git(p, &["merge", "-q", "--no-ff", "-m", "merge", "side"]);
    // an edit: a new blob holding the same key
    write(p, ".env", &format!("{text}OTHER=1\n"));
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "three"]);
    let (_, v) = json(p, &[]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["path"], ".env");
    // the copy is the same blob (free); the edited file is one later blob
    assert_eq!(f[0]["later_occurrences"], 1, "{v}");
}

#[test]
fn a_range_reports_only_what_it_added() {
    let d = repo();
    let p = d.path();
    let (old, new) = (openrouter(5), groq(6));
    write(p, ".env", &format!("OPENROUTER_API_KEY={old}\n"));
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "base"]);
    git(p, &["checkout", "-qb", "feature"]);
    // the old key again in a new blob, and a new key
    write(
        p,
        ".env",
        &format!("OPENROUTER_API_KEY={old}\nGROQ_API_KEY={new}\n"),
    );
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "feature"]);
    let (code, v) = json(p, &["main..HEAD"]);
    assert_eq!(code, 1);
    let f = findings(&v);
    assert!(
        f.iter().all(|x| x["provider"] == "groq"),
        "only keys added after main: {v}"
    );
    assert!(f.iter().any(|x| x["provider"] == "groq"), "{v}");
    // the PR-range mode on a branch that adds nothing
    git(p, &["checkout", "-q", "main"]);
    git(p, &["checkout", "-qb", "clean"]);
    write(p, "docs.md", "docs\n");
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "docs"]);
    let r = history(p, &["main..clean"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("no keys found"), "{}", r.stdout);
    // the default is HEAD only: the feature branch's key is not in clean's history
    let (_, v) = json(p, &[]);
    assert!(
        findings(&v).iter().all(|x| x["provider"] == "openrouter"),
        "{v}"
    );
    // naming the branch scans it; a folder as the only argument is the repository
    let (_, v) = json(p, &["feature"]);
    assert_eq!(findings(&v).len(), 2, "{v}");
    let parent = p.parent().expect("parent");
    let name = p.file_name().expect("name").to_string_lossy().to_string();
    let (_, v) = json(parent, &["feature", &name]);
    assert_eq!(findings(&v).len(), 2, "{v}");
    let (_, v) = json(parent, &[&name]);
    assert_eq!(findings(&v).len(), 1, "{v}");
}

#[test]
fn an_amended_away_key_is_not_reachable() {
    let d = repo();
    let p = d.path();
    let key = openrouter(7);
    write(p, ".env", &format!("OPENROUTER_API_KEY={key}\n"));
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "oops"]);
    write(p, ".env", "OPENROUTER_API_KEY=\n");
    git(p, &["add", "."]);
    git(p, &["commit", "-q", "--amend", "-m", "fixed"]);
    let r = history(p, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn since_and_until_select_commits_by_date() {
    let d = repo();
    let p = d.path();
    let (a, b) = (openrouter(8), groq(9));
    write(p, "a.env", &format!("OPENROUTER_API_KEY={a}\n"));
    git(p, &["add", "."]);
    commit_at(p, "old", "2020-01-01T00:00:00Z");
    write(p, "b.env", &format!("GROQ_API_KEY={b}\n"));
    git(p, &["add", "."]);
    commit_at(p, "new", "2024-06-01T00:00:00Z");
    let (_, v) = json(p, &["--since", "2023-01-01"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["provider"], "groq");
    let (_, v) = json(p, &["--until", "2021-01-01"]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["provider"], "openrouter");
    let r = history(p, &["--since", "not a date"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read the date"), "{}", r.stderr);
}

#[test]
fn placeholders_and_examples_stay_quiet() {
    let d = repo();
    let p = d.path();
    write(
        p,
        ".env.example",
        "OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nGROQ_API_KEY=your-groq-api-key-here\n\
         ANTHROPIC_API_KEY=sk-ant-api03-...\n",
    );
    write(
        p,
        "README.md",
        "Set `OPENROUTER_API_KEY=sk-or-v1-<your key>` and `gsk_...`.\n",
    );
    write(p, "logo.png", "\u{0}\u{1}binary");
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "docs"]);
    let r = history(p, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("no keys found"), "{}", r.stdout);
}

#[test]
fn not_a_repository_and_bad_ranges_exit_2_with_a_message() {
    let d = tempfile::tempdir().expect("tmp");
    let r = history(d.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a git repository"), "{}", r.stderr);
    let r = history(d.path(), &["HEAD", "does/not/exist"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("path not found"), "{}", r.stderr);

    let d = repo();
    let p = d.path();
    // an empty repository has no history: nothing found
    let r = history(p, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    write(p, "a.txt", "a\n");
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "one"]);
    for bad in ["no-such-branch", "main..nope", "^main"] {
        let r = history(p, &[bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stdout);
        assert!(
            r.stderr.contains("bad revision range"),
            "{bad}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_shallow_clone_and_a_damaged_store_give_a_diagnostic_not_a_panic() {
    let d = repo();
    let p = d.path();
    for i in 0..3u64 {
        write(
            p,
            &format!("f{i}.env"),
            &format!("OPENROUTER_API_KEY={}\n", openrouter(20 + i)),
        );
        git(p, &["add", "."]);
        git(p, &["commit", "-qm", &format!("c{i}")]);
    }
    let shallow = tempfile::tempdir().expect("tmp");
    let url = format!("file://{}", p.display());
    git(
        shallow.path(),
        &["clone", "-q", "--depth", "1", &url, "clone"],
    );
    let c = shallow.path().join("clone");
    let r = history(&c, &[]);
    assert!(r.code == 0 || r.code == 1, "{}{}", r.stdout, r.stderr);
    // the one commit there adds all three files
    let (_, v) = json(&c, &[]);
    assert_eq!(findings(&v).len(), 3, "{v}");

    // a loose object removed from the store
    let damaged = repo();
    let q = damaged.path();
    write(
        q,
        "a.env",
        &format!("OPENROUTER_API_KEY={}\n", openrouter(30)),
    );
    write(q, "b.txt", "b\n");
    git(q, &["add", "."]);
    git(q, &["commit", "-qm", "one"]);
    let blob = git(q, &["rev-parse", "HEAD:b.txt"]);
    let obj = q.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    std::fs::remove_file(obj).expect("remove object");
    let r = history(q, &["-v"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("cannot be read"), "{}", r.stdout);
    // a removed tree: the walk goes on, the problem is said
    let tree = git(q, &["rev-parse", "HEAD^{tree}"]);
    let obj = q.join(".git/objects").join(&tree[..2]).join(&tree[2..]);
    std::fs::remove_file(obj).expect("remove object");
    let r = history(q, &["-v"]);
    assert!(r.code == 0 || r.code == 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("cannot be read") || r.stderr.contains("keylint"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn every_format_renders_without_the_key() {
    let d = repo();
    let p = d.path();
    let key = openrouter(40);
    write(p, ".env", &format!("OPENROUTER_API_KEY={key}\n"));
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "one"]);
    for format in ["human", "json", "sarif", "github"] {
        let r = history(p, &["--format", format, "-v"]);
        assert_eq!(r.code, 1, "{format}");
        assert!(r.stdout.contains("sk-or-v1-"), "{format}: {}", r.stdout);
        assert!(!r.stdout.contains(&key[12..]), "{format} leaked");
        assert!(!r.stderr.contains(&key[12..]), "{format} leaked");
    }
    let r = history(p, &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("sarif json");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        ".env"
    );
}

/// The ids of the `(id, key)` pairs whose key no finding's fingerprint names.
fn missed<'w>(found: &[serde_json::Value], want: &'w [(String, String)]) -> Vec<&'w String> {
    let fps: std::collections::HashSet<&str> = found
        .iter()
        .map(|x| x["fingerprint"].as_str().unwrap_or(""))
        .collect();
    want.iter()
        .filter(|(_, k)| !fps.contains(keylint::render::history::fingerprint(k).as_str()))
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn every_catalog_key_format_is_found_in_history() {
    use keylint::catalog::CatalogFile;
    let file: CatalogFile = toml::from_str(keylint::catalog::BUILTIN).expect("catalog");
    let d = repo();
    let p = d.path();
    let mut want = Vec::new();
    let mut env = String::new();
    for (i, prov) in file.providers.iter().enumerate() {
        let Some(name) = prov.key_env.first() else {
            continue;
        };
        for (j, k) in prov.keys.iter().enumerate() {
            let key = synth_key(&k.example, 500 + (i * 10 + j) as u64);
            env.push_str(&format!("{name}={key}\n"));
            want.push((prov.id.clone(), key));
        }
    }
    assert!(want.len() >= 25, "{} formats", want.len());
    // one file per key (a dotenv file per provider format), committed, then all deleted
    for (n, line) in env.lines().enumerate() {
        write(p, &format!("k{n}/.env"), &format!("{line}\n"));
    }
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "keys"]);
    git(p, &["rm", "-rq", "."]);
    write(p, "a.txt", "a\n");
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "gone"]);
    let (_, v) = json(p, &[]);
    let f = findings(&v);
    let missed = missed(f, &want);
    assert!(
        missed.is_empty(),
        "formats not found in history: {missed:?}"
    );
    assert!(f.iter().all(|x| x["at_head"] == false), "{v}");
}

#[test]
fn every_catalog_secret_format_is_found_in_history() {
    use keylint::catalog::CatalogFile;
    let file: CatalogFile = toml::from_str(keylint::catalog::SECRETS).expect("secrets");
    let d = repo();
    let p = d.path();
    let mut want = Vec::new();
    for (n, sec) in file.secrets.iter().enumerate() {
        // under the name that vouches for a shape that needs one, else a name that holds it
        let name = sec
            .names
            .first()
            .or(sec.env.first())
            .cloned()
            .unwrap_or_else(|| "TOKEN".to_string());
        let value = synth_key(&sec.example, 900 + n as u64);
        write(p, &format!("s{n}/.env"), &format!("{name}={value}\n"));
        want.push((sec.id.clone(), value));
    }
    assert!(want.len() >= 20, "{} secret formats", want.len());
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "tokens"]);
    git(p, &["rm", "-rq", "."]);
    write(p, "a.txt", "a\n");
    git(p, &["add", "."]);
    git(p, &["commit", "-qm", "gone"]);
    let run = history(p, &[]);
    for (id, value) in &want {
        assert!(!run.stdout.contains(value.as_str()), "{id} printed in full");
    }
    let (code, v) = json(p, &[]);
    assert_eq!(code, 1, "{v}");
    let f = findings(&v);
    let missed = missed(f, &want);
    assert!(
        missed.is_empty(),
        "secret formats not found in history: {missed:?}"
    );
}
