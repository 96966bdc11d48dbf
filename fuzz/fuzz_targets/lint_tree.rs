//! End-to-end lint of a small virtual tree: the input is split on NUL into files placed at
//! fixed paths of every kind; the whole pipeline runs (index, scopes, every check, every
//! renderer) and no output may contain the planted key.
#![no_main]

use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
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

/// A format-valid OpenRouter key made at run time from the catalog's generator spec, so no
/// key-shaped literal sits in the repository.
static KEY: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| keylint::catalog::synth_key("sk-or-v1-{hex:64}", 7));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files: Vec<(String, String)> = text
        .split('\0')
        .zip(PATHS)
        .map(|(t, p)| (p.to_string(), t.replace("@K", &KEY)))
        .collect();
    let config = keylint::config::Config::default();
    let Ok(report) = keylint::lint_virtual(&files, &config) else { return };
    for format in [
        keylint::cli::Format::Human,
        keylint::cli::Format::Json,
        keylint::cli::Format::Sarif,
        keylint::cli::Format::Github,
    ] {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let _ = keylint::render::render(&report, format, &keylint::render::RenderOptions::plain(), &mut out, &mut err);
        let s = String::from_utf8_lossy(&out);
        assert!(!s.contains(&KEY[12..]), "{format:?} leaked the key");
    }
});
