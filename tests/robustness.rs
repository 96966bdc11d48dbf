//! No input panics: randomized mutations of realistic dotenv text through the parser, the
//! index and every check, plus the hostile shapes bad input takes in practice.

mod common;

use keylint::catalog::Catalog;

/// xorshift: deterministic, so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const PIECES: &[&str] = &[
    "OPENAI_API_KEY",
    "=",
    "'",
    "\"",
    "\\",
    "$",
    "${",
    "}",
    "#",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "export ",
    "https://api.openai.com/v1",
    "sk-or-v1-",
    "NEXT_PUBLIC_",
    "\u{feff}",
    "\u{200b}",
    "é",
    "𝕏",
    "=\"a\nb",
    "${A:-x}",
    "ANTHROPIC_BASE_URL",
    "http://[::1",
    "://",
    "glm-4",
    "_MODEL",
    "\0",
    "-",
    ".",
];

#[test]
fn random_dotenv_text_never_panics() {
    let catalog = Catalog::builtin().expect("catalog");
    let mut rng = Rng(0x5eed);
    let dir = tempfile::tempdir().expect("tmp");
    for round in 0..300 {
        let mut text = String::new();
        for _ in 0..(rng.next() % 60) {
            text.push_str(rng.pick(PIECES));
        }
        let facts = keylint::parse::dotenv::parse(&text);
        for a in &facts.assignments {
            assert!(
                text.get(a.value_span.range()).is_some(),
                "round {round}: bad span"
            );
            assert!(
                text.get(a.name_span.range()).is_some(),
                "round {round}: bad span"
            );
        }
        for i in &facts.parse_issues {
            assert!(
                text.get(i.span.range()).is_some(),
                "round {round}: bad issue span"
            );
        }
        let _ = catalog.classify_key(&text, None);
        let _ = keylint::url::parse(&text);
        if round % 10 == 0 {
            let name = [".env", ".env.local", ".env.example", ".env.production"][(round / 10) % 4];
            std::fs::write(dir.path().join(name), &text).expect("write");
            let report = common::lint(dir.path());
            let _ = common::render(&report, keylint::cli::Format::Human);
            let _ = common::render(&report, keylint::cli::Format::Json);
        }
    }
}

#[test]
fn hostile_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path();
    // one 5 MB line (over the default cap), a deep folder, many empty files, a huge value
    std::fs::write(p.join("huge.env"), "A=".to_string() + &"x".repeat(5 << 20)).expect("write");
    std::fs::write(
        p.join(".env"),
        format!("OPENAI_API_KEY={}\n", "y".repeat(1 << 20)),
    )
    .expect("write");
    let mut deep = p.to_path_buf();
    for i in 0..60 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).expect("mkdir");
    std::fs::write(
        deep.join(".env"),
        "OPENAI_BASE_URL=https://api.openai.com\n",
    )
    .expect("write");
    for i in 0..2000 {
        std::fs::write(p.join(format!("{i}.txt")), "").expect("write");
    }
    let report = common::lint(p);
    assert!(report.skipped.iter().any(|s| s.path == "huge.env"));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.meta.id == "malformed-endpoint")
    );
}

#[test]
fn hostile_workflows_give_one_diagnostic_each() {
    let dir = tempfile::tempdir().expect("tmp");
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("mkdir");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    std::fs::write(wf.join("bomb.yml"), bomb).expect("write");
    std::fs::write(wf.join("deep.yml"), "a: ".to_string() + &"[".repeat(10_000)).expect("write");
    std::fs::write(
        wf.join("shape.yml"),
        "on: 3\njobs:\n  a: [1, 2]\n  b:\n    steps: {x: 1}\n    env: hello\n",
    )
    .expect("write");
    std::fs::write(wf.join("huge.yml"), "# pad\n".repeat(600_000)).expect("write");
    let start = std::time::Instant::now();
    let report = common::lint(dir.path());
    let per_file = |name: &str| {
        report
            .findings
            .iter()
            .filter(|f| {
                report.index.files[f.primary.file]
                    .source
                    .rel_path
                    .ends_with(name)
            })
            .count()
    };
    assert_eq!(per_file("bomb.yml"), 1);
    assert_eq!(per_file("deep.yml"), 1);
    assert_eq!(per_file("shape.yml"), 0);
    assert!(report.skipped.iter().any(|s| s.path.ends_with("huge.yml")));
    // bounded: generous, only to catch a hang
    assert!(start.elapsed().as_secs() < 60);
}

const STRUCTURAL: &[&str] = &[
    "FROM ",
    "ARG ",
    "ENV ",
    "COPY ",
    "ADD ",
    "RUN ",
    " AS ",
    "--from=",
    "--mount=type=secret,id=",
    "<<EOF",
    "EOF",
    "\\\n",
    "`\n",
    "[\"",
    "\"]",
    "services:\n",
    "  app:\n",
    "    environment:\n",
    "      - ",
    "K=",
    ": ",
    "${",
    ":-",
    "}",
    "env_file:",
    "build:",
    "args:",
    "jobs:\n",
    "steps:\n",
    "run: |\n",
    "on: ",
    "pull_request",
    "${{ secrets.",
    " }}",
    "&a ",
    "*a",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "!",
    "**/",
    "*",
    "\n",
    "  ",
    "\t",
    "\"",
    "'",
    "#",
    "--env-file ",
    "docker run ",
    "é",
    "\u{200b}",
    "`",
    "process.env.",
    "import.meta.env.",
    "os.environ[",
    "f\"",
    "\"\"\"",
    "'''",
    "new OpenAI(",
    "OpenAI(",
    "console.log(",
    "print(",
    "Authorization",
    "/",
    "/*",
    "*/",
    "//",
    "apiKey",
    "api_key=",
    "class S(BaseSettings):\n    a: str\n",
    "=>",
    "(",
    ")",
    ",",
    "'use client'",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\"env\": {",
    "\"apiKey\": ",
    "${env:X}",
    "${{ secrets.X }}",
    "os.environ/X",
    "$X",
    "\\u00e9",
    "[model_providers.x]\n",
    "model_list:\n  - litellm_params:\n      model: ",
    "Bearer ",
];

#[test]
fn random_structured_text_never_panics_in_any_front_end() {
    use keylint::classify::FileKind;
    let catalog = keylint::catalog::Catalog::builtin().expect("catalog");
    let kinds = [
        FileKind::Dockerfile,
        FileKind::Compose,
        FileKind::Workflow,
        FileKind::Action,
        FileKind::DockerIgnore,
        FileKind::Script,
        FileKind::PackageJson,
    ];
    let mut rng = Rng(0xd0c4e7);
    for round in 0..3000 {
        let mut text = String::new();
        for _ in 0..(rng.next() % 80) {
            text.push_str(rng.pick(STRUCTURAL));
        }
        let kind = &kinds[round % kinds.len()];
        let path = [
            "x.txt",
            "a.ts",
            "a.py",
            "next.config.js",
            "vite.config.ts",
            "x.go",
        ][round % 6];
        let facts = keylint::parse::parse(kind, path, &text, &catalog);
        let _ = keylint::parse::parse(&FileKind::Source, path, &text, &catalog);
        let settings_path = [
            ".claude/settings.json",
            ".mcp.json",
            ".vscode/mcp.json",
            ".continue/config.yaml",
            ".codex/config.toml",
            "litellm_config.yaml",
            ".aider.conf.yml",
            "opencode.json",
        ][round % 8];
        let sf = keylint::parse::parse(&FileKind::Settings, settings_path, &text, &catalog);
        for a in &sf.assignments {
            assert!(
                text.get(a.value_span.range()).is_some() && text.get(a.name_span.range()).is_some(),
                "{settings_path} round {round}: bad span in {text:?}"
            );
        }
        if let Some(s) = sf.settings() {
            let spans = s
                .refs
                .iter()
                .map(|r| r.span)
                .chain(s.unexpanded.iter().map(|u| u.span))
                .chain(s.secrets.iter().map(|k| k.span));
            for sp in spans {
                assert!(
                    text.get(sp.range()).is_some(),
                    "{settings_path} round {round}: bad span in {text:?}"
                );
            }
        }
        for a in &facts.assignments {
            assert!(
                text.get(a.value_span.range()).is_some() && text.get(a.name_span.range()).is_some(),
                "{kind:?} round {round}: bad span in {text:?}"
            );
        }
        for e in &facts.exprs {
            assert!(
                text.get(e.span.range()).is_some(),
                "{kind:?} round {round}: bad expr span"
            );
        }
    }
}
