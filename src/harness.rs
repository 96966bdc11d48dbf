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
        .chain(f.exprs.iter().map(|e| e.span));
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

/// Runs one input through the target of that name (what each `fuzz/fuzz_targets/*.rs` does).
pub fn run(target: &str, data: &[u8]) {
    if target == "lint_tree" {
        lint_tree(data)
    } else {
        front_end(target, data)
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
];
