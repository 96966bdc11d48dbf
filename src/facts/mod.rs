//! The shared vocabulary between front ends and checks.
//!
//! A front end turns one file into [`FileFacts`]; checks never look at file syntax, only at
//! facts. A later front end (workflow, Dockerfile, compose, editor settings) feeds the same
//! checks by producing the same facts: an [`Assignment`] is an assignment whether it came from a
//! `.env` line or a job's `env:` map.

pub mod code;
pub mod compose;
pub mod deps;
pub mod dockerfile;
pub mod dockerignore;
pub mod settings;
pub mod workflow;
pub mod yaml;

use crate::redact::SecretStr;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
}

/// Where an assigned value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    /// The text itself (after quote and escape processing).
    Literal,
    /// The whole value is one reference to another variable (`${OPENROUTER_API_KEY}`,
    /// `${{ env.X }}`).
    EnvRef(String),
    /// A CI secret (`${{ secrets.OPENROUTER_API_KEY }}`): the value is not in the repository,
    /// its name says whose key it is.
    Secret(String),
    /// A CI configuration variable (`${{ vars.X }}`): stored and shown in clear.
    Var(String),
    /// Some other expression whose value is not known statically.
    Expression,
    /// Literal text with references inside (`https://${HOST}/v1`).
    Interpolated,
}

/// `NAME=value` in any file kind.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub name: String,
    pub name_span: Span,
    /// Decoded value (quotes removed, escapes processed, references left as written).
    pub value: SecretStr,
    /// Span of the value's content in the file (inside quotes, if any).
    pub value_span: Span,
    pub quote: Quote,
    pub source: ValueSource,
    /// Span of the whole statement (for line-level labels and suppressions).
    pub stmt_span: Span,
}

impl Assignment {
    pub fn literal(&self) -> Option<&str> {
        match self.source {
            ValueSource::Literal => Some(self.value.expose()),
            _ => None,
        }
    }
}

/// The issue the walker records when a front end panicked on a file (the panic is caught and
/// the run goes on).
pub const PARSER_FAILED: &str =
    "internal error while parsing this file; it was skipped (please report it)";

/// A part of a file the front end could not read.
#[derive(Debug, Clone)]
pub struct ParseIssue {
    pub span: Span,
    pub message: String,
}

/// A set of assignments one process sees together, declared by the front end that knows the
/// file's semantics (a workflow job's merged `env`), lowest precedence first.
#[derive(Debug, Clone)]
pub struct FileScope {
    pub label: String,
    pub members: Vec<usize>,
}

/// `${{ <context>.<name> }}` inside a CI expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Secrets,
    Vars,
    Env,
    Inputs,
}

#[derive(Debug, Clone)]
pub struct ExprRef {
    pub context: Context,
    pub name: String,
    pub span: Span,
    /// job and step index inside the workflow, when the reference sits in one
    pub job: Option<usize>,
    pub step: Option<usize>,
}

/// A string of a catalog key format written in a file (code, a script, a notebook, prose).
#[derive(Debug, Clone)]
pub struct KeyLiteral {
    pub value: SecretStr,
    pub span: Span,
    /// the key-like name it is assigned to on its line (`OPENAI_API_KEY=`, `$env:X = `,
    /// `apiKey:`), when there is one
    pub name: Option<String>,
    /// the provider the file names for a shape several providers share (`sk-` + 32 hex): by
    /// the assigned name (`DEEPSEEK_API_KEY`), or by a host, env name or SDK of that provider
    /// written in the same file
    pub hint: Option<usize>,
    /// the hint comes from the assigned name itself (not from elsewhere in the file)
    pub named: bool,
    /// where inside a container format it sits, for messages (`cell 3, line 2` of a notebook)
    pub place: Option<String>,
}

impl KeyLiteral {
    pub fn new(value: &str, span: Span) -> Self {
        KeyLiteral {
            value: SecretStr::new(value),
            span,
            name: None,
            hint: None,
            named: false,
            place: None,
        }
    }
}

/// Everything one front end learned from one file.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub assignments: Vec<Assignment>,
    /// names a comment documents (`# OPENAI_API_KEY=` in an env example): not set, but known
    /// to the project, so reads of them are not "nothing provides this"
    pub documented: Vec<(String, Span)>,
    pub parse_issues: Vec<ParseIssue>,
    pub scopes: Vec<FileScope>,
    pub exprs: Vec<ExprRef>,
    /// key literals of the text pass (scripts, prose, notebooks, any other text file); code
    /// keeps its own in [`code::CodeFacts`]
    pub literals: Vec<KeyLiteral>,
    /// versions a dependency manifest or lockfile allows for the catalog's SDK generations
    /// (`openai>=1` in requirements.txt, `openai 0.28.1` in poetry.lock)
    pub pins: Vec<deps::Pin>,
    pub outline: Outline,
}

/// The file-kind-specific structure a front end keeps for the checks that need it.
#[derive(Debug, Default)]
pub enum Outline {
    #[default]
    None,
    Workflow(Box<workflow::Workflow>),
    Dockerfile(Box<dockerfile::Dockerfile>),
    Compose(Box<compose::Compose>),
    DockerIgnore(Box<dockerignore::DockerIgnore>),
    /// Shell scripts, Makefiles, package.json: what they pass to `--env-file`.
    Script(Vec<EnvFileRef>),
    /// `package.json`: dependencies (to tell the framework) and `--env-file` in its scripts.
    Package(Box<PackageOutline>),
    Code(Box<code::CodeFacts>),
    /// editor / coding-agent settings: references, literal secrets
    Settings(Box<settings::SettingsFacts>),
}

/// `package.json`: dependencies (to tell the framework) and `--env-file` in its scripts.
#[derive(Debug, Default)]
pub struct PackageOutline {
    pub deps: Vec<String>,
    pub env_files: Vec<EnvFileRef>,
}

/// A tool that reads an env file, and how it treats quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvFileConsumer {
    /// `docker run --env-file`: keeps quotes and `#` as part of the value.
    DockerRun,
    /// `docker compose --env-file` / compose `env_file:`: strips quotes like dotenv.
    Compose,
}

/// `--env-file PATH` (or compose `env_file:`) found somewhere, with the path's span.
#[derive(Debug, Clone)]
pub struct EnvFileRef {
    pub path: String,
    pub span: Span,
    pub consumer: EnvFileConsumer,
}

impl FileFacts {
    pub fn workflow(&self) -> Option<&workflow::Workflow> {
        match &self.outline {
            Outline::Workflow(w) => Some(w),
            _ => None,
        }
    }
    pub fn dockerfile(&self) -> Option<&dockerfile::Dockerfile> {
        match &self.outline {
            Outline::Dockerfile(d) => Some(d),
            _ => None,
        }
    }
    pub fn settings(&self) -> Option<&settings::SettingsFacts> {
        match &self.outline {
            Outline::Settings(s) => Some(s),
            _ => None,
        }
    }
    pub fn code(&self) -> Option<&code::CodeFacts> {
        match &self.outline {
            Outline::Code(c) => Some(c),
            _ => None,
        }
    }
    pub fn compose(&self) -> Option<&compose::Compose> {
        match &self.outline {
            Outline::Compose(c) => Some(c),
            _ => None,
        }
    }
}

static ENV_FILE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"--env-file(?:=|\s+)["']?([^\s"';&|)]+)"#)
        .expect("internal error: env-file regex")
});

/// `--env-file` references in a text, each with the consumer decided by the command before it.
pub fn env_file_refs(text: &str, base: impl Fn(usize, usize) -> Span) -> Vec<EnvFileRef> {
    let mut out = Vec::new();
    for c in ENV_FILE.captures_iter(text) {
        let (Some(all), Some(p)) = (c.get(0), c.get(1)) else {
            continue;
        };
        // the command this flag belongs to: text since the last line break or separator
        let before = &text[..all.start()];
        let cmd_start = before.rfind(['\n', ';', '&', '|']).map_or(0, |i| i + 1);
        let cmd = &before[cmd_start..];
        let consumer = if cmd.contains("compose") {
            EnvFileConsumer::Compose
        } else if cmd.contains("docker") || cmd.contains("podman") {
            EnvFileConsumer::DockerRun
        } else {
            continue;
        };
        out.push(EnvFileRef {
            path: p.as_str().to_string(),
            span: base(p.start(), p.end()),
            consumer,
        });
    }
    out
}
