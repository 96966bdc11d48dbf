//! Path → [`FileKind`], decided before a file is opened. Pure and table-tested.
//!
//! Only files of a relevant kind are ever read; everything else costs one directory entry.

/// What a dotenv file is for, from its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DotenvRole {
    /// `.env`: loaded in every mode.
    Base,
    /// `.env.local`: loaded in every mode, machine-local.
    Local,
    /// `.env.<mode>`
    Mode(String),
    /// `.env.<mode>.local`
    ModeLocal(String),
    /// `.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `example.env`, …:
    /// documentation; its names count as declared, it is never loaded.
    Example,
    /// `<name>.env` (an `env_file:` or `--env-file` target): a stack of its own.
    Standalone,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileKind {
    Dotenv(DotenvRole),
    /// `.github/workflows/*.yml|yaml`
    Workflow,
    /// `action.yml|yaml` anywhere: action metadata (composite actions have steps)
    Action,
    /// `Dockerfile`, `*.Dockerfile`, `Dockerfile.*`, `Containerfile`
    Dockerfile,
    /// `docker-compose*.y*ml`, `compose*.y*ml`
    Compose,
    /// `.dockerignore`, `*.dockerignore`
    DockerIgnore,
    /// shell scripts, Makefiles, justfiles: read for `--env-file` consumers
    Script,
    /// `package.json`: dependencies tell the framework; scripts may pass `--env-file`
    PackageJson,
    /// JS/TS/Python source, and other languages for key literals
    Source,
    /// editor / coding-agent settings of a tool in `rules/tools.toml` (`.cursor/mcp.json`)
    Settings,
    /// Python dependency manifests and lockfiles (`requirements*.txt`, `poetry.lock`,
    /// `uv.lock`, `Pipfile`): which SDK generation the project installs (`pyproject.toml` is
    /// read as settings and for its dependencies)
    PyDeps,
    /// `README*.md`: read only for the variable names its setup section documents (and key
    /// literals)
    Readme,
    /// Jupyter notebooks (`.ipynb`): key literals in cell sources and text outputs
    Notebook,
    /// any other text file: read by the literal pass only (key literals), and only when its
    /// raw bytes hold a key format's start
    Text,
}

/// Extensions of files whose content is binary by kind (images, archives, fonts, objects,
/// media, model weights, databases, office files): never read, here or in `history`.
pub const BINARY_EXT: &[&str] = &[
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "icns",
    "bmp",
    "webp",
    "avif",
    "tif",
    "tiff",
    "psd",
    "pdf",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "zst",
    "7z",
    "rar",
    "jar",
    "war",
    "class",
    "so",
    "dll",
    "exe",
    "dylib",
    "a",
    "o",
    "obj",
    "lib",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "mp3",
    "mp4",
    "m4a",
    "mov",
    "avi",
    "wav",
    "ogg",
    "flac",
    "webm",
    "mkv",
    "pyc",
    "wasm",
    "iso",
    "dmg",
    "bin",
    "npy",
    "npz",
    "pt",
    "pth",
    "onnx",
    "safetensors",
    "parquet",
    "sqlite",
    "db",
    "xlsx",
    "docx",
    "pptx",
    "keystore",
    "der",
];

/// Text kinds the literal pass also leaves alone: data and lock files, certificates, maps,
/// snapshots.
const NOT_TEXT_EXT: &[&str] = &[
    "svg", "heic", "tar", "pyo", "sqlite3", "arrow", "feather", "pkl", "pickle", "h5", "ckpt",
    "gguf", "lock", "sum", "map", "snap", "pem", "crt", "p12", "pfx", "jks", "csv", "tsv", "lockb",
    "xls", "doc", "ppt", "dat", "idx", "pack",
];

/// Names of lock files whose extension says nothing (`package-lock.json`, `pnpm-lock.yaml`).
const LOCK_NAMES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "composer.lock",
    "go.sum",
];

/// Is the file binary by its name's extension (any case)?
pub fn binary_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| BINARY_EXT.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// Is a file no other front end reads worth the literal pass, by its name?
fn text_candidate(lower: &str) -> bool {
    if LOCK_NAMES.contains(&lower)
        || lower.ends_with(".min.js")
        || lower.ends_with(".min.css")
        || lower.ends_with(".bundle.js")
        || lower.ends_with(".min.mjs")
    {
        return false;
    }
    match lower.rsplit_once('.') {
        Some((_, ext)) => !NOT_TEXT_EXT.contains(&ext) && !BINARY_EXT.contains(&ext),
        None => true,
    }
}

const EXAMPLE_WORDS: &[&str] = &[
    "example",
    "examples",
    "sample",
    "samples",
    "template",
    "tmpl",
    "tpl",
    "dist",
    "defaults",
    "default",
    "schema",
    "skeleton",
    "placeholder",
];

/// Extensions that make `Dockerfile.<ext>` documentation or data rather than a Dockerfile.
const NOT_DOCKERFILE_EXT: &[&str] = &[
    "md", "txt", "json", "yml", "yaml", "toml", "lock", "bak", "orig", "rst", "html",
];

/// Names that start like a dotenv file but are something else.
const NOT_DOTENV: &[&str] = &[".envrc", ".env.vault", ".env.keys", ".env.me", ".env.d"];

/// Classify by file name (and path, for kinds that need it).
pub fn classify(rel_path: &str) -> Option<FileKind> {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    if let Some(role) = dotenv_role(name) {
        return Some(FileKind::Dotenv(role));
    }
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if yaml
        && (rel_path.starts_with(".github/workflows/") || rel_path.contains("/.github/workflows/"))
    {
        let dir = &rel_path[..rel_path.len() - name.len()];
        // only files directly in .github/workflows are workflows
        if dir.ends_with(".github/workflows/") {
            return Some(FileKind::Workflow);
        }
    }
    if name == "action.yml" || name == "action.yaml" {
        return Some(FileKind::Action);
    }
    let lower = name.to_ascii_lowercase();
    // `Dockerfile.prod` is a Dockerfile; `dockerfile.rs` or `Dockerfile.md` is not
    let not_docker_ext = || {
        lower.rsplit_once('.').is_some_and(|(_, ext)| {
            NOT_DOCKERFILE_EXT.contains(&ext) || crate::parse::code::lang_of(&lower).is_some()
        })
    };
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || ((lower.starts_with("dockerfile.") || lower.starts_with("containerfile."))
            && !not_docker_ext())
    {
        return Some(FileKind::Dockerfile);
    }
    if yaml
        && (lower.starts_with("docker-compose")
            || lower.starts_with("compose.")
            || lower.starts_with("compose-"))
    {
        return Some(FileKind::Compose);
    }
    if lower == ".dockerignore" || lower.ends_with(".dockerignore") {
        return Some(FileKind::DockerIgnore);
    }
    if crate::tools::TOOLS.for_path(rel_path).is_some() {
        return Some(FileKind::Settings);
    }
    if lower == "package.json" {
        return Some(FileKind::PackageJson);
    }
    if crate::parse::pydeps::is_manifest(rel_path) {
        return Some(FileKind::PyDeps);
    }
    if lower.ends_with(".sh")
        || lower.ends_with(".bash")
        || lower == "makefile"
        || lower.ends_with(".mk")
        || lower == "justfile"
    {
        return Some(FileKind::Script);
    }
    if lower.ends_with(".ipynb") {
        return Some(FileKind::Notebook);
    }
    if crate::parse::code::lang_of(rel_path).is_some() {
        return Some(FileKind::Source);
    }
    if lower.starts_with("readme") && (lower.ends_with(".md") || lower.ends_with(".mdx")) {
        return Some(FileKind::Readme);
    }
    text_candidate(&lower).then_some(FileKind::Text)
}

fn dotenv_role(name: &str) -> Option<DotenvRole> {
    if NOT_DOTENV.contains(&name) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let is_example = |parts: &[&str]| parts.iter().any(|p| EXAMPLE_WORDS.contains(p));
    if lower == ".env" {
        return Some(DotenvRole::Base);
    }
    if let Some(rest) = lower
        .strip_prefix(".env.")
        .or_else(|| lower.strip_prefix(".env-"))
    {
        let parts: Vec<&str> = rest.split(['.', '-', '_']).collect();
        if is_example(&parts) {
            return Some(DotenvRole::Example);
        }
        if parts.iter().any(|p| p.is_empty()) || rest.ends_with(".bak") || rest.ends_with(".swp") {
            return None;
        }
        return Some(match parts.as_slice() {
            ["local"] => DotenvRole::Local,
            [mode, "local"] => DotenvRole::ModeLocal((*mode).to_string()),
            _ => DotenvRole::Mode(rest.to_string()),
        });
    }
    if let Some(stem) = lower.strip_suffix(".env") {
        if stem.is_empty() {
            return None;
        }
        let parts: Vec<&str> = stem.split(['.', '-', '_']).collect();
        return Some(if is_example(&parts) {
            DotenvRole::Example
        } else {
            DotenvRole::Standalone
        });
    }
    if lower == "env.example" || lower == "env.sample" || lower == "env.template" {
        return Some(DotenvRole::Example);
    }
    // `worker.env.example`, `api.env.sample`: a named env file's example
    if let Some(at) = lower.find(".env.")
        && at > 0
    {
        let parts: Vec<&str> = lower[at + 5..].split(['.', '-', '_']).collect();
        if !parts.is_empty() && parts.iter().all(|p| EXAMPLE_WORDS.contains(p)) {
            return Some(DotenvRole::Example);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_names() {
        use DotenvRole::*;
        let cases: &[(&str, Option<DotenvRole>)] = &[
            (".env", Some(Base)),
            ("apps/web/.env.local", Some(Local)),
            (".env.production", Some(Mode("production".into()))),
            (
                ".env.production.local",
                Some(ModeLocal("production".into())),
            ),
            (".env.example", Some(Example)),
            (".env.sample", Some(Example)),
            (".env.production.example", Some(Example)),
            (".env-template", Some(Example)),
            ("example.env", Some(Example)),
            ("env.example", Some(Example)),
            ("docker/app.env", Some(Standalone)),
            ("worker.env.example", Some(Example)),
            ("deploy/api.env.sample", Some(Example)),
            ("app.env.bak", None),
            (".envrc", None),
            (".env.vault", None),
            (".env.keys", None),
            ("environment.md", None),
            (".env.bak", Some(Mode("bak".into()))),
        ];
        assert_eq!(
            classify(".github/workflows/ci.yml"),
            Some(FileKind::Workflow)
        );
        assert_eq!(
            classify("sub/.github/workflows/ci.yaml"),
            Some(FileKind::Workflow)
        );
        assert_eq!(
            classify(".github/workflows/sub/x.yml"),
            Some(FileKind::Text)
        );
        assert_eq!(classify("actions/setup/action.yml"), Some(FileKind::Action));
        // a generic name is read as a possible LiteLLM config (needs `model_list` inside)
        assert_eq!(classify("config.yml"), Some(FileKind::Settings));
        assert_eq!(classify("settings.yml"), Some(FileKind::Text));
        assert_eq!(classify(".cursor/mcp.json"), Some(FileKind::Settings));
        for (p, k) in [
            ("Dockerfile", FileKind::Dockerfile),
            ("docker/api.Dockerfile", FileKind::Dockerfile),
            ("Dockerfile.prod", FileKind::Dockerfile),
            ("src/parse/dockerfile.rs", FileKind::Source),
            ("Containerfile", FileKind::Dockerfile),
            ("docker-compose.yml", FileKind::Compose),
            ("compose.yaml", FileKind::Compose),
            ("deploy/docker-compose.prod.yml", FileKind::Compose),
            (".dockerignore", FileKind::DockerIgnore),
            ("scripts/run.sh", FileKind::Script),
            ("Makefile", FileKind::Script),
            ("package.json", FileKind::PackageJson),
            ("src/app.tsx", FileKind::Source),
            ("bot.py", FileKind::Source),
            ("README.md", FileKind::Readme),
            ("docs/readme.mdx", FileKind::Readme),
        ] {
            assert_eq!(classify(p), Some(k), "{p}");
        }
        assert_eq!(classify("dockerfile-notes.md"), Some(FileKind::Text));
        for p in [
            "run.bat",
            "deploy.cmd",
            "application.properties",
            "docs/setup.md",
            "LICENSE",
        ] {
            assert_eq!(classify(p), Some(FileKind::Text), "{p}");
        }
        for p in [
            "logo.png",
            "yarn.lock",
            "package-lock.json",
            "vendor.min.js",
            "app.js.map",
        ] {
            assert_eq!(classify(p), None, "{p}");
        }
        assert_eq!(classify("nb/analysis.ipynb"), Some(FileKind::Notebook));
        for (path, want) in cases {
            // a name that is no dotenv file is left to the literal pass
            let want = want.clone().map_or(FileKind::Text, FileKind::Dotenv);
            assert_eq!(classify(path), Some(want), "{path}");
        }
    }
}
