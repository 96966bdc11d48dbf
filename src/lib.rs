//! keylint: a static analyzer for LLM API key and endpoint configuration.
//!
//! The pipeline, in order:
//! 1. **walk** ([`walk`]): a parallel, `.gitignore`-aware walk that still reads gitignored
//!    `.env*` files and remembers they are not committed;
//! 2. **classify** ([`classify`]): path → file kind, before anything is opened;
//! 3. **parse** ([`parse`]): each relevant file, once, on the walker thread → [`facts`] with
//!    byte spans;
//! 4. **index** ([`index`]): files and the scopes in which one process sees values together;
//!    each assignment's meaning ([`roles`]) is computed once against the [`catalog`];
//! 5. **check** ([`checks`]): every enabled check over files, scopes and the project;
//! 6. **settle**: config severities, de-duplication across overlapping scopes, sort by
//!    (path, line, column, rule);
//! 7. **render** ([`render`]): human (miette, secrets masked), JSON.
//!
//! Parsing is per file and parallel; checks over the index are cheap. Secrets are never printed:
//! see [`redact`].

pub mod catalog;
pub mod checks;
pub mod ci;
pub mod classify;
pub mod cli;
pub mod config;
pub mod error;
pub mod explain;
pub mod facts;
pub mod finding;
pub mod index;
pub mod parse;
pub mod redact;
pub mod render;
pub mod roles;
pub mod runtime;
pub mod source;
pub mod suppress;
pub mod tools;
pub mod url;
pub mod values;
pub mod walk;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, CatalogFile};
use crate::checks::{Cx, Meta};
use crate::cli::{Cli, Command, FailOn, LintArgs};
use crate::config::Config;
use crate::error::Fatal;
use crate::finding::{Finding, Severity};
use crate::index::ProjectIndex;
use crate::walk::Skipped;

/// Everything a lint run produced.
pub struct Report {
    pub index: ProjectIndex,
    pub findings: Vec<Finding>,
    /// findings an inline `keylint: ignore[...]` comment covers, with the reason
    pub suppressed: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub config_path: Option<PathBuf>,
}

/// Builds the catalog for a config: the built-in providers plus the user's.
pub fn catalog_for(config: &Config) -> Result<Catalog, Fatal> {
    let builtin: CatalogFile =
        toml::from_str(catalog::BUILTIN).map_err(catalog::CatalogError::from)?;
    Ok(Catalog::from_files(
        &[builtin, config.catalog_file()],
        &config.gateways,
    )?)
}

/// Lints `paths` with `config`. The library entry point: tests and benches call this.
pub fn lint(paths: &[PathBuf], config: &Config, threads: usize) -> Result<Report, Fatal> {
    let catalog = catalog_for(config)?;
    let opts = walk::WalkOptions {
        max_file_size: config.max_file_size(),
        exclude: &config.scan.exclude,
        threads,
    };
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(Fatal::PathNotFound(path.display().to_string()));
        }
        let prefix = if paths.len() > 1 {
            display_prefix(path)
        } else {
            String::new()
        };
        let r = walk::walk(path, &prefix, &catalog, &opts).map_err(|e| Fatal::Walk {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        files.extend(r.files);
        skipped.extend(r.skipped);
    }
    let index = ProjectIndex::new(files);
    let enabled = |m: &Meta| !config.checks.disable.iter().any(|d| d == m.id);
    let cx = Cx {
        index: &index,
        catalog: &catalog,
    };
    let mut findings = checks::run_all(&cx, &enabled);
    for f in &mut findings {
        if let Some(&s) = config.checks.severity.get(f.meta.id) {
            f.severity = s;
        }
    }
    settle(&index, &mut findings);
    let (suppressed, findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.suppressed.is_some());
    Ok(Report {
        index,
        findings,
        suppressed,
        skipped,
        config_path: None,
    })
}

/// `a/b/` for a root given as `./a/b`; a file root keeps its folder.
fn display_prefix(path: &Path) -> String {
    let base = if path.is_file() {
        path.parent().unwrap_or(Path::new(""))
    } else {
        path
    };
    let s = walk::rel_path(Path::new(""), base, "");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    if s.is_empty() || s == "." {
        String::new()
    } else {
        format!("{s}/")
    }
}

/// De-duplicates findings reported from overlapping scopes and sorts them.
fn settle(index: &ProjectIndex, findings: &mut Vec<Finding>) {
    let key = |f: &Finding| {
        let file = &index.files[f.primary.file].source;
        let pos = file.position(f.primary.span.start as usize);
        (
            file.rel_path.clone(),
            pos.line,
            pos.column,
            f.meta.id,
            f.primary.span.end,
        )
    };
    findings.sort_by_cached_key(key);
    let mut seen = HashSet::new();
    findings.retain(|f| seen.insert((f.meta.id, f.primary.file, f.primary.span)));
    for f in findings.iter_mut() {
        let file = &index.files[f.primary.file].source;
        f.suppressed = suppress::lookup(file, f.primary.span.start as usize, f.meta.id);
    }
}

/// Exit status for a set of findings under `--fail-on`.
pub fn exit_code(findings: &[Finding], fail_on: FailOn) -> i32 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return 0,
    };
    i32::from(findings.iter().any(|f| f.severity >= threshold))
}

/// Runs a parsed command line, writing to `out`. Returns the exit status (0 or 1); errors that
/// stop the run come back as [`Fatal`] (exit 2).
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Fatal> {
    match cli.command {
        Command::Rules => {
            explain::rules(out)?;
            Ok(0)
        }
        Command::Explain { id } => {
            let check = checks::by_id(&id).ok_or(Fatal::UnknownCheck(id))?;
            explain::explain(check.meta(), out)?;
            Ok(0)
        }
        Command::Lint(args) => lint_command(&args, out, err),
    }
}

fn lint_command(args: &LintArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Fatal> {
    let config_path = match &args.config {
        Some(p) => Some(p.clone()),
        None => args.paths.first().and_then(|p| Config::discover(p)),
    };
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let mut report = lint(&args.paths, &config, threads)?;
    report.config_path = config_path;
    let opts = render::RenderOptions::from_args(args);
    render::render(&report, args.format, &opts, out, err)?;
    Ok(exit_code(&report.findings, args.fail_on))
}
