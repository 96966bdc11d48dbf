//! The code front end tokenizes only windows around anchors (env access, SDK names, loggers,
//! headers, URLs, key prefixes). These tests hold it to the reference, a full tokenization of
//! the file: on every source file of the fixtures, corpus and demo, and on generated files whose
//! shapes sit far apart, inside multi-line comments, strings and templates, the facts are equal.

mod common;

use keylint::catalog::Catalog;
use keylint::parse::code::{lang_of, parse_with};
use proptest::prelude::*;
use std::path::Path;

fn catalog() -> &'static Catalog {
    static C: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    C.get_or_init(|| Catalog::builtin().expect("catalog"))
}

fn same_facts(catalog: &Catalog, path: &str, text: &str) -> Result<(), String> {
    let windowed = format!("{:#?}", parse_with(path, text, catalog, true));
    let full = format!("{:#?}", parse_with(path, text, catalog, false));
    if windowed == full {
        Ok(())
    } else {
        let diff: Vec<String> = diff_lines(&full, &windowed);
        Err(format!(
            "{path}: windowed facts differ from full:\n{}",
            diff.join("\n")
        ))
    }
}

fn diff_lines(a: &str, b: &str) -> Vec<String> {
    let (a, b): (Vec<_>, Vec<_>) = (a.lines().collect(), b.lines().collect());
    let mut out = Vec::new();
    for l in &a {
        if !b.contains(l) {
            out.push(format!("- {l}"));
        }
    }
    for l in &b {
        if !a.contains(l) {
            out.push(format!("+ {l}"));
        }
    }
    out.truncate(40);
    out
}

fn visit(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            visit(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Compares windowed and full facts on every source file below `dirs` of `root` (with
/// `placeholders`, `@@KEY:…@@` swapped for synthetic keys): (files compared, differences).
fn compare_tree(root: &Path, dirs: &[&str], placeholders: bool) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    for d in dirs {
        visit(&root.join(d), &mut files);
    }
    files.sort();
    let (mut checked, mut failures) = (0, Vec::new());
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap_or(&f)
            .to_string_lossy()
            .into_owned();
        if rel.contains("node_modules/") || lang_of(&rel).is_none() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let text = if placeholders {
            common::substitute(catalog(), &text, &mut Vec::new())
        } else {
            text
        };
        checked += 1;
        if let Err(e) = same_facts(catalog(), &rel, &text) {
            failures.push(e);
        }
    }
    (checked, failures)
}

#[test]
fn windowed_equals_full_on_every_shipped_source_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (checked, failures) = compare_tree(
        root,
        &["tests/fixtures", "tests/corpus", "examples", "fuzz/seeds"],
        true,
    );
    assert!(checked >= 20, "source files went missing: {checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Statements the code front end reads, and statements it must not be fooled by.
const JS_SHAPES: &[&str] = &[
    // a directive counts only as the file's first statement (found by place, not by a word)
    "'use client';\n",
    "/* header */\n// note\n\"use server\"\n",
    "const mode = 'use client';\n",
    "const apiKey = process.env.OPENAI_API_KEY;\n",
    "const { ANTHROPIC_API_KEY, OPENROUTER_API_KEY: router = 'x' } = process.env;\n",
    "const client = new OpenAI({\n  apiKey: apiKey,\n  baseURL: 'https://openrouter.ai/api/v1',\n  model: 'gpt-4o',\n});\n",
    "const {\n  OPENAI_API_KEY,\n  OPENAI_BASE_URL = 'https://api.openai.com/v1',\n  MODEL: model,\n} = process.env;\n",
    "const key2 =\n  process.env.OPENAI_API_KEY;\n",
    "const v = process.env.OPENAI_BASE_URL\n  || 'https://api.openai.com/v1';\n",
    "const h = {\n  Authorization:\n    'Bearer ' + apiKey,\n};\n",
    "const client2 = new OpenAI(\n  {\n    apiKey,\n  },\n);\n",
    "const a = createAnthropic({ apiKey: process.env['ANTHROPIC_API_KEY'] ?? '' });\n",
    "console.log('key', apiKey);\n",
    "console.info(`using ${process.env.OPENAI_API_KEY}`);\n",
    "logger.debug(process.env);\n",
    "await fetch(url, { headers: { Authorization: `Bearer ${apiKey}`, 'x-api-key': key } });\n",
    "const u = import.meta.env.VITE_OPENAI_API_KEY;\n",
    "const d = Deno.env.get('GROQ_API_KEY');\n",
    "/* a comment that mentions process.env.NOT_READ\n and console.log(apiKey) over lines */\n",
    "const t = `a template with process.env.NOT_READ inside\n over ${x} lines`;\n",
    "const r = /process.env.NOT_READ/g;\n",
    "const doc = `a long template\nover lines\nthat ends with https://api.groq.com/openai/v1 and @@KEY:groq@@`;\n",
    "// console.log(apiKey) in a line comment\n",
    "const s = 'https://api.openai.com/v1';\n",
    "const k = '@@KEY:anthropic@@';\n",
    "if (!apiKey) throw new Error('missing');\n",
    "const gurl = `https://generativelanguage.googleapis.com/v1beta/models/m:generateContent?key=${apiKey}`;\n",
    "const zurl = BASE +\n  '&api_key=' + process.env.ZEROBOUNCE_API_KEY;\n",
    "axios.get(u, { params: { key: geminiKey, alt: 'json' } });\n",
    "throw new Error(`GET ${gurl} failed`);\n",
    "u.searchParams.set('key', apiKey);\n",
    "const isKey = (k) => /^sk-[a-zA-Z0-9]{48}$/.test(k);\n",
    "const re2 = new RegExp('^sk-ant-[A-Za-z0-9]{95}$', 'i');\n",
    "const { messages, baseURL, apiKey: k2 } = await req.json();\n",
    "const body = await request.json();\n",
    "const o2 = new OpenAI({\n  apiKey: k2 || process.env.OPENAI_API_KEY,\n  baseURL: body.baseURL,\n});\n",
    "const o3 = new Anthropic({ baseURL: req.query.upstream });\n",
];

const PY_SHAPES: &[&str] = &[
    "api_key = os.environ[\"OPENAI_API_KEY\"]\n",
    "base = os.environ.get('OPENAI_BASE_URL', 'https://api.openai.com/v1')\n",
    "key = os.getenv(\"GROQ_API_KEY\")\n",
    "key2 = \\\n    os.environ['ANTHROPIC_API_KEY']\n",
    "cfg = dict(\n    a=1,\n    key=os.environ.get(\n        'OPENAI_API_KEY'\n    ),\n)\n",
    "client = OpenAI(\n    api_key=api_key,\n    base_url=\"https://api.deepseek.com\",\n)\n",
    "print(f\"key is {api_key}\")\n",
    "logging.info(\"env %s\", os.environ)\n",
    "headers = {\"Authorization\": f\"Bearer {api_key}\"}\n",
    "\"\"\"a docstring that mentions os.environ['NOT_READ']\nand print(api_key)\"\"\"\n",
    "# print(api_key) in a comment\n",
    "DOC = \"\"\"a docstring\nover lines\nsee https://api.openai.com/v1 or @@KEY:openai:3@@\n\"\"\"\n",
    "k = '@@KEY:openai@@'\n",
    "class Settings(BaseSettings):\n    openai_api_key: str\n    model_config = {'env_prefix': ''}\n",
    "url = f\"https://generativelanguage.googleapis.com/v1beta/models?key={api_key}\"\n",
    "params = {\n    \"key\": os.environ[\"GEMINI_API_KEY\"],\n}\n",
    "raise RuntimeError(f\"failed: {url} {params}\")\n",
    "u = \"https://x.example/v?api_key=%s\" % key\n",
    "KEY_RE = re.compile(r\"^sk-[A-Za-z0-9]{48}$\")\n",
    "ok = re.fullmatch(r\"gsk_[a-z0-9]{52}\", k)\n",
    "data = request.get_json()\n",
    "client = OpenAI(\n    api_key=os.environ[\"OPENAI_API_KEY\"],\n    base_url=data.get(\"base_url\"),\n)\n",
];

fn filler(js: bool, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if js {
            s.push_str(&format!(
                "export function helper{i}(a, b) {{ return a.route(b) + {i}; }}\n"
            ));
        } else {
            s.push_str(&format!("def helper_{i}(a, b):\n    return a + b * {i}\n"));
        }
    }
    s
}

fn program(js: bool) -> impl Strategy<Value = String> {
    let shapes = if js { JS_SHAPES } else { PY_SHAPES };
    prop::collection::vec((0..shapes.len(), 0usize..40), 1..12).prop_map(move |parts| {
        let mut s = String::new();
        for (k, gap) in parts {
            s.push_str(&filler(js, gap));
            s.push_str(shapes[k]);
        }
        common::substitute(catalog(), &s, &mut Vec::new())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn windowed_equals_full_on_generated_js(text in program(true)) {
        let catalog = catalog();
        prop_assert!(same_facts(catalog, "src/app/page.tsx", &text).is_ok(), "{}",
            same_facts(catalog, "src/app/page.tsx", &text).err().unwrap_or_default());
    }

    #[test]
    fn windowed_equals_full_on_generated_python(text in program(false)) {
        let catalog = catalog();
        prop_assert!(same_facts(catalog, "app/main.py", &text).is_ok(), "{}",
            same_facts(catalog, "app/main.py", &text).err().unwrap_or_default());
    }
}

/// `KEYLINT_WINDOWS_DIR=/path/to/checkout cargo test --test windows -- --ignored`: the same
/// comparison on every source file of a real repository.
#[test]
#[ignore = "needs KEYLINT_WINDOWS_DIR"]
fn windowed_equals_full_on_a_checkout() {
    let Some(dir) = std::env::var_os("KEYLINT_WINDOWS_DIR") else {
        return;
    };
    let (checked, failures) = compare_tree(Path::new(&dir), &["."], false);
    assert!(
        failures.is_empty(),
        "{} of {checked} source files differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(checked > 0, "no source file under KEYLINT_WINDOWS_DIR");
}
