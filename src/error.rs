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

    #[error("unknown check `{0}`")]
    #[diagnostic(code(keylint::usage), help("`keylint rules` lists every check id"))]
    UnknownCheck(String),

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

    #[error("refusing to overwrite {0}: keylint read it in this run")]
    #[diagnostic(
        code(keylint::usage),
        help("write the report to a file that is not scanned")
    )]
    OutputIsInput(String),
}
