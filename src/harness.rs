//! The bodies of the `fuzz/` targets, kept in the library so that the fuzzers, the property
//! tests (`tests/props.rs`) and the seed replay (`tests/fuzz_seeds.rs`) run the same code and
//! the same assertions. Not part of keylint's interface.
#![doc(hidden)]

use crate::catalog::Catalog;
use crate::classify::{DotenvRole, FileKind};
use crate::facts::FileFacts;
use std::sync::LazyLock;

/// Every front end, with a path that routes to it.
pub const FRONT_ENDS: &[(FileKind, &str)] = &[
    (FileKind::Dotenv(DotenvRole::Base), ".env"),
    (FileKind::Workflow, ".github/workflows/ci.yml"),
    (FileKind::Compose, "compose.yaml"),
    (FileKind::Dockerfile, "Dockerfile"),
    (FileKind::DockerIgnore, ".dockerignore"),
    (FileKind::Script, "run.sh"),
    (FileKind::PackageJson, "package.json"),
    (FileKind::Source, "src/app.tsx"),
    (FileKind::Source, "app/main.py"),
    (FileKind::Source, "cmd/main.go"),
    (FileKind::Settings, ".vscode/mcp.json"),
    (FileKind::Settings, ".codex/config.toml"),
    (FileKind::Settings, ".continue/config.yaml"),
    (FileKind::Notebook, "nb/explore.ipynb"),
    (FileKind::PyDeps, "requirements.txt"),
    (FileKind::PyDeps, "poetry.lock"),
    (FileKind::Text, "run.bat"),
];

/// The front ends one fuzz target drives, by target name, picked from [`FRONT_ENDS`] by what
/// they read: each target fuzzes one format; the ones with several entries pick among them by
/// the input's first byte.
pub fn front_ends_of(target: &str) -> Vec<&'static (FileKind, &'static str)> {
    let pick = |f: &dyn Fn(&FileKind, &str) -> bool| {
        FRONT_ENDS
            .iter()
            .filter(|(k, p)| f(k, p))
            .collect::<Vec<_>>()
    };
    match target {
        "front_end" => FRONT_ENDS.iter().collect(),
        "dotenv" => pick(&|k, _| matches!(k, FileKind::Dotenv(_))),
        "workflow" => pick(&|k, _| *k == FileKind::Workflow),
        "compose" => pick(&|k, _| *k == FileKind::Compose),
        "dockerfile" => pick(&|k, _| matches!(k, FileKind::Dockerfile | FileKind::DockerIgnore)),
        "script" => pick(&|k, _| *k == FileKind::Script),
        "jsonc" => pick(&|_, p| p.ends_with(".json")),
        "toml" => pick(&|_, p| p.ends_with(".toml")),
        "yaml_settings" => pick(&|k, p| *k == FileKind::Settings && p.ends_with(".yaml")),
        "source" => pick(&|k, _| *k == FileKind::Source),
        other => panic!("no fuzz target named {other}"),
    }
}

fn catalog() -> &'static Catalog {
    static CATALOG: LazyLock<Catalog> =
        LazyLock::new(|| Catalog::builtin().expect("the built-in catalog loads"));
    &CATALOG
}

/// Every span a front end reports lies inside its text, on char boundaries.
pub fn spans_ok(text: &str, f: &FileFacts) -> Result<(), String> {
    let spans = f
        .assignments
        .iter()
        .flat_map(|a| [a.name_span, a.value_span, a.stmt_span])
        .chain(f.parse_issues.iter().map(|p| p.span))
        .chain(f.exprs.iter().map(|e| e.span))
        .chain(f.literals.iter().map(|l| l.span));
    for s in spans {
        if text.get(s.range()).is_none() {
            return Err(format!(
                "span {s:?} outside the text or off a char boundary"
            ));
        }
    }
    Ok(())
}

/// One fuzz input for a target's front ends: with several, the first byte picks one. Inputs
/// that are not UTF-8 are dropped (the walker never hands those to a front end).
pub fn front_end(target: &str, data: &[u8]) {
    let kinds = front_ends_of(target);
    let (kind, path, rest) = if let [(kind, path)] = kinds[..] {
        (kind, *path, data)
    } else {
        let Some((&k, rest)) = data.split_first() else {
            return;
        };
        let (kind, path) = kinds[k as usize % kinds.len()];
        (kind, *path, rest)
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let f = crate::parse::parse(kind, path, text, catalog());
    if let Err(e) = spans_ok(text, &f) {
        panic!("{path}: {e}");
    }
}

/// Where `lint_tree` puts the NUL-separated parts of its input.
pub const TREE_PATHS: &[&str] = &[
    ".env",
    ".env.example",
    ".github/workflows/ci.yml",
    "compose.yaml",
    "Dockerfile",
    "src/app.tsx",
    "app/main.py",
    ".mcp.json",
    ".codex/config.toml",
];

/// A format-valid OpenRouter key made at run time, so no key-shaped literal sits in the
/// repository; `@K` in a `lint_tree` input stands for it.
pub fn planted_key() -> &'static str {
    static KEY: LazyLock<String> =
        LazyLock::new(|| crate::catalog::synth_key("sk-or-v1-{hex:64}", 7));
    &KEY
}

/// End-to-end lint of a small virtual tree: the input split on NUL into files at
/// [`TREE_PATHS`], `@K` replaced by [`planted_key`]; the whole pipeline runs (index, scopes,
/// every check, every renderer) and no output may hold the key's secret part.
pub fn lint_tree(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = planted_key();
    let files: Vec<(String, String)> = text
        .split('\0')
        .zip(TREE_PATHS)
        .map(|(t, p)| (p.to_string(), t.replace("@K", key)))
        .collect();
    let config = crate::config::Config::default();
    let Ok(report) = crate::lint_virtual(&files, &config) else {
        return;
    };
    for format in [
        crate::cli::Format::Human,
        crate::cli::Format::Json,
        crate::cli::Format::Sarif,
        crate::cli::Format::Github,
    ] {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let _ = crate::render::render(
            &report,
            format,
            &crate::render::RenderOptions::plain(),
            &mut out,
            &mut err,
        );
        let s = String::from_utf8_lossy(&out);
        assert!(!s.contains(&key[12..]), "{format:?} leaked the key");
        let e = String::from_utf8_lossy(&err);
        assert!(
            !e.contains(&key[12..]),
            "{format:?} leaked the key on stderr"
        );
    }
}

/// Keys of several shapes made at run time for `render` inputs: `@K` OpenRouter, `@H` 32 hex,
/// `@A` 32 letters and digits, `@Z` Zhipu `id.secret`; none is a literal in the repository.
pub fn render_keys() -> &'static [(&'static str, String)] {
    static KEYS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
        use crate::catalog::synth_key;
        vec![
            ("@K", synth_key("sk-or-v1-{hex:64}", 7)),
            ("@H", synth_key("{hex:32}", 8)),
            ("@A", synth_key("{alnum:32}", 9)),
            ("@Z", synth_key("{hex:32}.{alnum:16}", 10)),
        ]
    });
    &KEYS
}

/// End-to-end through the binary's own entry point ([`crate::run`]) on a real folder: the
/// input split on NUL into files at [`TREE_PATHS`] (a tenth part, when present, names one more
/// file), the `@X` markers of [`render_keys`] replaced; every format, `--diff` and coloured
/// human output run, and none may print 20 characters of a key or a control byte (with colours,
/// only keylint's own `ESC [` sequences).
pub fn render(data: &[u8]) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let keys = render_keys();
    let put = |s: &str| {
        keys.iter()
            .fold(s.to_string(), |acc, (m, k)| acc.replace(m, k))
    };
    let dir = std::env::temp_dir().join(format!(
        "keylint-render-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let mut parts = text.split('\0');
    let mut files: Vec<(String, String)> = TREE_PATHS
        .iter()
        .zip(parts.by_ref())
        .map(|(p, t)| (p.to_string(), put(t)))
        .collect();
    if let Some(name) = parts.next() {
        let name = put(name).replace(['/', '\\'], "_");
        if !name.is_empty() && name != "." && name != ".." {
            files.push((format!("extra/{name}"), put(parts.next().unwrap_or(""))));
        }
    }
    for (path, body) in &files {
        let p = dir.join(path);
        if let Some(parent) = p.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(p, body);
    }
    let windows: std::collections::HashSet<&[u8]> = keys
        .iter()
        .flat_map(|(_, k)| k.as_bytes().windows(20))
        .collect();
    let root = dir.to_string_lossy().into_owned();
    let runs: &[&[&str]] = &[
        &["--verbose", "--color", "never", "--fail-on", "info"],
        &["--color", "always"],
        &["--format", "json"],
        &["--format", "sarif"],
        &["--format", "github"],
        &["--diff", "--color", "never"],
    ];
    for extra in runs {
        let mut args = vec!["keylint", "lint", root.as_str()];
        args.extend_from_slice(extra);
        let Ok(cli) = <crate::cli::Cli as clap::Parser>::try_parse_from(&args) else {
            continue;
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let _ = crate::run(cli, &mut out, &mut err);
        out.extend_from_slice(&err);
        if let Some(w) = out.windows(20).find(|w| windows.contains(w)) {
            let _ = std::fs::remove_dir_all(&dir);
            panic!(
                "{extra:?} printed part of a key: {}",
                String::from_utf8_lossy(w)
            );
        }
        let colour = extra.contains(&"always");
        let shown = String::from_utf8_lossy(&out);
        for (i, c) in shown.char_indices() {
            let ok = !c.is_control()
                || c == '\n'
                || c == '\t'
                || (c == '\r' && shown[i + 1..].starts_with('\n'))
                || (colour && c == '\u{1b}' && shown[i + 1..].starts_with('['));
            if !ok && !matches!(extra[..], ["--format", "json" | "sarif"]) {
                let _ = std::fs::remove_dir_all(&dir);
                panic!("{extra:?} printed the control character {c:?}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs one input through the target of that name (what each `fuzz/fuzz_targets/*.rs` does).
pub fn run(target: &str, data: &[u8]) {
    match target {
        "lint_tree" => lint_tree(data),
        "render" => render(data),
        _ => front_end(target, data),
    }
}

/// The fuzz targets, as named in `fuzz/Cargo.toml`.
pub const TARGETS: &[&str] = &[
    "front_end",
    "dotenv",
    "workflow",
    "compose",
    "dockerfile",
    "script",
    "jsonc",
    "toml",
    "yaml_settings",
    "source",
    "lint_tree",
    "render",
];
