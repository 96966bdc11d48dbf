//! Micro-benchmarks: throughput of each front end and of the source-word prefilter on
//! realistic inputs (`cargo bench`). No framework: each case runs for about half a second after
//! a warm-up and prints MB/s; compare runs on the same machine. The end-to-end comparison with
//! ripgrep is `bench/run.sh`.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use keylint::classify::{DotenvRole, FileKind};

fn case(name: &str, text: &str, mut f: impl FnMut(&str)) {
    for _ in 0..3 {
        f(black_box(text));
    }
    let (mut n, t) = (0u64, Instant::now());
    while t.elapsed() < Duration::from_millis(500) {
        f(black_box(text));
        n += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    let mbs = (text.len() as f64 * n as f64) / secs / 1e6;
    println!(
        "{name:<28} {:>9.1} MB/s  ({n} runs of {} bytes)",
        mbs,
        text.len()
    );
}

fn repeat(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes / unit.len() + 1)
}

fn main() {
    let catalog = keylint::catalog::Catalog::builtin().expect("catalog");
    let parse = |kind: FileKind, path: &'static str| {
        let catalog = &catalog;
        move |t: &str| {
            black_box(keylint::parse::parse(&kind, path, t, catalog));
        }
    };
    let js = repeat(
        "import OpenAI from 'openai';\nconst client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: `${base}/v1` });\n// a comment with 'quotes' and `ticks`\nexport function chat(a, b) { return a.request(b) + 42; }\nconst re = /ab+c/g; console.log('done', re);\n",
        200_000,
    );
    let py = repeat(
        "import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ['OPENAI_API_KEY'])\ndef chat(a, b):\n    \"\"\"doc\"\"\"\n    return a + b * 2  # comment\nprint(f'{client} done')\n",
        200_000,
    );
    let plain_js = repeat(
        "export function add(a, b) { return a + b; }\nconst x = [1, 2, 3].map((v) => v * 2);\n",
        200_000,
    );
    let dotenv = repeat(
        "# comment\nOPENAI_API_KEY=\nOPENAI_BASE_URL=https://api.openai.com/v1\nexport LOG_LEVEL=\"info\"\n",
        100_000,
    );
    let workflow = format!("on: push\njobs:\n{}", repeat("  job:\n    runs-on: ubuntu-latest\n    env:\n      OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n    steps:\n      - run: npm test\n", 50_000).replace("  job:", "  j:"));
    let dockerfile = repeat(
        "FROM node:20 AS build\nARG NPM_TOKEN\nENV NODE_ENV=production\nRUN npm ci && npm run build\nCOPY . /app\n",
        100_000,
    );
    let jsonc = format!("{{\n  // settings\n  \"mcpServers\": {{\n{}  }}\n}}\n", (0..2000).map(|i| format!("    \"s{i}\": {{ \"command\": \"npx\", \"env\": {{ \"KEY\": \"${{env:KEY}}\" }} }},\n")).collect::<String>());
    case(
        "dotenv",
        &dotenv,
        parse(FileKind::Dotenv(DotenvRole::Base), ".env"),
    );
    case(
        "workflow (yaml)",
        &workflow,
        parse(FileKind::Workflow, ".github/workflows/ci.yml"),
    );
    case(
        "dockerfile",
        &dockerfile,
        parse(FileKind::Dockerfile, "Dockerfile"),
    );
    case(
        "settings (jsonc)",
        &jsonc,
        parse(FileKind::Settings, ".cursor/mcp.json"),
    );
    case(
        "source js (env + sdk)",
        &js,
        parse(FileKind::Source, "src/app.ts"),
    );
    case(
        "source py (env + sdk)",
        &py,
        parse(FileKind::Source, "app/main.py"),
    );
    case(
        "source js (prefiltered out)",
        &plain_js,
        parse(FileKind::Source, "src/util.ts"),
    );
    case(
        "other source (key prefixes)",
        &plain_js,
        parse(FileKind::Source, "cmd/main.go"),
    );
    // a file without any word: the whole text is scanned
    case("prefilter source words", &plain_js, |t| {
        black_box(keylint::parse::code::windows(t, &catalog));
    });
}
