//! Errors that stop the run (exit 2). Per-file problems are findings or skip notes, never these.

use miette::{Diagnostic, NamedSource, SourceSpan};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Fatal {
    #[error("path not found: {0}")]
    #[diagnostic(
        code(keylint::usage),
        help("check the path; keylint lint takes folders or files")
    )]
    PathNotFound(String),

    #[error("cannot read config file {path}: {message}")]
    #[diagnostic(code(keylint::config))]
    ConfigRead { path: String, message: String },

    #[error("invalid config: {message}")]
    #[diagnostic(
        code(keylint::config),
        help("see the Configuration section of README.md")
    )]
    Config {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: Option<SourceSpan>,
    },

    #[error("unknown check `{id}`")]
    #[diagnostic(code(keylint::usage))]
    UnknownCheck {
        id: String,
        #[help]
        help: String,
    },

    #[error(transparent)]
    #[diagnostic(code(keylint::catalog))]
    Catalog(#[from] crate::catalog::CatalogError),

    #[error("cannot walk {path}: {message}")]
    #[diagnostic(code(keylint::io))]
    Walk { path: String, message: String },

    #[error("baseline {path}: {message}")]
    #[diagnostic(
        code(keylint::baseline),
        help("write a fresh one with `keylint lint --write-baseline FILE`")
    )]
    Baseline { path: String, message: String },

    #[error("cannot write output: {0}")]
    #[diagnostic(code(keylint::io))]
    Output(#[from] std::io::Error),

    #[error("keylint history: {0}")]
    #[diagnostic(
        code(keylint::git),
        help(
            "run `keylint history` inside a git repository, or pass its folder: `keylint history HEAD path/to/repo`"
        )
    )]
    History(String),

    #[error("refusing to overwrite {0}: keylint read it in this run")]
    #[diagnostic(
        code(keylint::usage),
        help("write the report to a file that is not scanned")
    )]
    OutputIsInput(String),

    #[error("--staged: {path}: {message}")]
    #[diagnostic(
        code(keylint::git),
        help("--staged lints the commit being prepared: run it inside a git working tree")
    )]
    Git { path: String, message: String },
}

impl Fatal {
    /// An unknown check id, with the nearest known one when there is one.
    pub fn unknown_check(id: String) -> Self {
        let help = match crate::checks::did_you_mean(&id) {
            Some(near) => format!("did you mean `{near}`? `keylint rules` lists every check id"),
            None => "`keylint rules` lists every check id".to_string(),
        };
        Fatal::UnknownCheck { id, help }
    }
}

/// A fatal error as the user sees it, without colours: a config, baseline or argument error
/// can quote the line it failed on (which may hold a key) or a path (which may be one), so the
/// rendered text goes through the same masker as every finding, with controls spelled out.
pub fn render_fatal(fatal: &Fatal) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut s = String::new();
    if handler.render_report(&mut s, fatal).is_err() {
        s = fatal.to_string();
    }
    crate::redact::escape_controls(&crate::redact::scrub(&s), true).into_owned()
}
