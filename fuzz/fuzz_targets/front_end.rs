//! Every front end on arbitrary bytes: the first byte picks the file kind (dotenv, workflow,
//! compose, Dockerfile, .dockerignore, script, package.json, JS/TS, Python, other source,
//! JSONC, TOML and YAML settings), the rest is the file. Spans must stay inside the text.
#![no_main]

use keylint::classify::{DotenvRole, FileKind};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CATALOG: LazyLock<keylint::catalog::Catalog> =
    LazyLock::new(|| keylint::catalog::Catalog::builtin().expect("catalog"));

const KINDS: &[(FileKind, &str)] = &[
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
    (FileKind::Settings, "litellm_config.yaml"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&k, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let (kind, path) = &KINDS[k as usize % KINDS.len()];
    let f = keylint::parse::parse(kind, path, text, &CATALOG);
    for a in &f.assignments {
        assert!(text.get(a.value_span.range()).is_some() && text.get(a.name_span.range()).is_some());
    }
    for p in &f.parse_issues {
        assert!(text.get(p.span.range()).is_some());
    }
});
