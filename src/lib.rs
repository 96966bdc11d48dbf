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

pub mod baseline;
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
pub mod fix;
pub mod fsread;
pub mod git;
pub mod harness;
pub mod history;
pub mod index;
pub mod parse;
pub mod paths;
pub mod redact;
pub mod render;
pub mod roles;
pub mod runtime;
pub mod source;
pub mod suppress;
pub mod teddy;
pub mod tools;
pub mod url;
pub mod values;
pub mod walk;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
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
    /// set when `--baseline` hid known findings
    pub baseline: Option<baseline::Outcome>,
    /// findings `--min-severity` / `--min-confidence` took out
    pub hidden: Hidden,
    /// wall time of the run, when the binary measured it
    pub elapsed: Option<std::time::Duration>,
    /// how the run was set up (where "committed" came from), shown with `--verbose`
    pub notes: Vec<String>,
    /// under `--staged`: the paths (as reported) the commit being prepared adds, changes or
    /// deletes
    pub staged: Option<std::collections::BTreeSet<String>>,
    /// the folder reported paths are relative to (the repository's top level, or the common
    /// folder of the paths outside git), absolute
    pub base: Option<PathBuf>,
}

/// Counts of findings left out of the report by `--min-severity` and `--min-confidence`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Hidden {
    pub below_severity: usize,
    pub below_confidence: usize,
}

/// How a run treats the repository beyond config.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub threads: usize,
    /// honour `keylint: ignore[...]` comments (and audit them)
    pub ignore_comments: bool,
    /// `--staged`: tracked files as the index holds them, only tracked files committed
    pub staged: bool,
}

/// Builds the catalog for a config: the built-in providers plus the user's.
pub fn catalog_for(config: &Config) -> Result<std::sync::Arc<Catalog>, Fatal> {
    use std::sync::{Arc, OnceLock};
    // the built-in catalog compiles once per process: library callers (tests, benches, fuzzers)
    // lint many trees, and most configs do not extend it
    static BUILTIN: OnceLock<Option<Arc<Catalog>>> = OnceLock::new();
    let plain = config.providers.is_empty()
        && config.public_prefix.is_empty()
        && config.gateways.is_empty();
    if plain
        && let Some(c) =
            BUILTIN.get_or_init(|| build_catalog(&Config::default()).ok().map(Arc::new))
    {
        return Ok(Arc::clone(c));
    }
    build_catalog(config).map(Arc::new)
}

fn build_catalog(config: &Config) -> Result<Catalog, Fatal> {
    let mut files = catalog::builtin_files()?;
    files.push(config.catalog_file());
    Ok(Catalog::from_files(&files, &config.gateways)?)
}

/// Lints `paths` with `config`. The library entry point: tests and benches call this.
pub fn lint(paths: &[PathBuf], config: &Config, threads: usize) -> Result<Report, Fatal> {
    lint_with(
        paths,
        config,
        &LintOptions {
            threads,
            ignore_comments: true,
            staged: false,
        },
    )
}

/// [`lint`] with every option.
pub fn lint_with(paths: &[PathBuf], config: &Config, o: &LintOptions) -> Result<Report, Fatal> {
    let threads = o.threads;
    let catalog = catalog_for(config)?;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut notes = Vec::new();
    let mut staged = Vec::new();
    // reported paths start at the repository's top level (or the paths' common folder)
    let base = output_base(paths);
    let mut roots = Vec::new();
    for path in paths {
        check_root(path)?;
        let prefix = match &base {
            Some(b) => prefix_under(b, path),
            None if paths.len() > 1 => display_prefix(path),
            None => String::new(),
        };
        roots.push(prefix.clone());
        let git = git_root(path, o.staged, &mut notes)?;
        if let Some(g) = git.as_deref().filter(|g| g.staged) {
            let changed = g.view.staged_paths().map_err(|e| Fatal::Git {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            staged.extend(
                changed
                    .iter()
                    .filter_map(|p| p.strip_prefix(g.prefix.as_str()))
                    .map(|p| format!("{prefix}{p}")),
            );
        }
        let opts = walk::WalkOptions {
            max_file_size: config.max_file_size(),
            exclude: &config.scan.exclude,
            threads,
            git,
            parse: parse::parse,
            prefilter: parse::text::has_anchor,
        };
        let r = walk::walk(path, &prefix, &catalog, &opts).map_err(|e| Fatal::Walk {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        // one root (the usual case): the walk's vector is moved, not copied
        if files.is_empty() {
            files = r.files;
        } else {
            files.extend(r.files);
        }
        skipped.extend(r.skipped);
    }
    let mut report = analyze(files, skipped, config, o, &catalog, &roots);
    report.notes = notes;
    report.base = base;
    if o.staged {
        report.staged = Some(staged.into_iter().collect());
    }
    Ok(report)
}

/// The repository a walked folder is in, whose index decides what is committed. Outside one,
/// `.gitignore` decides (a note says so); `--staged` then cannot run.
fn git_root(
    path: &Path,
    staged: bool,
    notes: &mut Vec<String>,
) -> Result<Option<std::sync::Arc<walk::GitRoot>>, Fatal> {
    let shown = path.display().to_string();
    // a single file given as a root is judged by `.gitignore` (files mode walks its folder)
    let dir = match std::fs::canonicalize(path) {
        Ok(d) if d.is_dir() => d,
        _ if staged => {
            return Err(Fatal::Git {
                path: shown,
                message: "give the repository's folder, not a file".into(),
            });
        }
        _ => return Ok(None),
    };
    match git::GitView::discover(&dir) {
        Ok(view) => {
            let Some(prefix) = view.prefix_of(&dir) else {
                return Ok(None);
            };
            notes.push(format!(
                "git: the index of {} ({} entries) says what is committed{}",
                view.workdir().display(),
                view.entries(),
                if staged {
                    "; tracked files are read as staged"
                } else {
                    ""
                }
            ));
            Ok(Some(std::sync::Arc::new(walk::GitRoot {
                view,
                prefix,
                staged,
            })))
        }
        Err(e) if staged => Err(Fatal::Git {
            path: shown,
            message: e.to_string(),
        }),
        Err(e) => {
            notes.push(format!(
                "git: {shown}: {e}; files that no .gitignore lists count as committed"
            ));
            Ok(None)
        }
    }
}

/// Fails when a path given to lint is missing, unreadable, or neither a folder nor a regular
/// file (a FIFO given as a path would otherwise be walked past: "0 files", exit 0).
fn check_root(path: &Path) -> Result<(), Fatal> {
    let fail = |message: String| Fatal::Walk {
        path: path.display().to_string(),
        message,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Fatal::PathNotFound(path.display().to_string()));
        }
        Err(e) => return Err(fail(e.to_string())),
    };
    if meta.is_dir() {
        std::fs::read_dir(path).map_err(|e| fail(e.to_string()))?;
    } else if meta.is_file() {
        fsread::open_regular(path, fsread::Follow::Anywhere).map_err(|e| fail(e.to_string()))?;
    } else {
        return Err(fail(format!(
            "not a folder or a regular file ({})",
            fsread::what(&meta.file_type())
        )));
    }
    Ok(())
}

/// Lints an in-memory tree of `(relative path, text)` (every file counts as committed). Parser
/// panics are not caught here, so fuzzers see them.
pub fn lint_virtual(files: &[(String, String)], config: &Config) -> Result<Report, Fatal> {
    let catalog = catalog_for(config)?;
    let indexed = files
        .iter()
        .filter_map(|(path, text)| {
            let kind = classify::classify(path)?;
            // the BOM and line-break rules of files read from disk
            let text = fsread::decode_str(text, &kind);
            let facts = parse::parse(&kind, path, &text, &catalog);
            let source = source::SourceFile::new(path.clone(), text.into_owned());
            Some(index::index_file(&catalog, source, kind, facts, true))
        })
        .collect();
    let o = LintOptions {
        threads: 1,
        ignore_comments: true,
        staged: false,
    };
    Ok(analyze(indexed, Vec::new(), config, &o, &catalog, &[]))
}

/// `roots`: where each walked root's paths start in the report (`examples/demo/` for a root
/// at `examples/demo` inside its repository). A path's class (example, test, vendored) is
/// judged below its root: the folder the user asked for is the project.
fn analyze(
    files: Vec<index::IndexedFile>,
    mut skipped: Vec<Skipped>,
    config: &Config,
    o: &LintOptions,
    catalog: &Catalog,
    roots: &[String],
) -> Report {
    let mut index = ProjectIndex::new(files);
    let enabled = |m: &Meta| !config.checks.disable.iter().any(|d| d == m.id);
    let cx = Cx {
        index: &index,
        catalog,
    };
    let mut findings = checks::run_all(&cx, &enabled);
    // files a finding points at get their text back for snippets, positions and suppressions
    let changed = index.restore(
        findings
            .iter()
            .flat_map(|f| std::iter::once(f.primary.file).chain(f.related.iter().map(|l| l.file)))
            .collect::<std::collections::BTreeSet<_>>(),
        config.max_file_size(),
    );
    // a file that changed since it was linted cannot be quoted: its spans point into the old
    // text. What was found in it is dropped, with a note.
    if !changed.is_empty() {
        findings.retain(|f| !changed.contains(&f.primary.file));
        for f in findings.iter_mut() {
            f.related.retain(|l| !changed.contains(&l.file));
        }
        for &i in &changed {
            skipped.push(Skipped {
                path: index.files[i].source.rel_path.clone(),
                reason: walk::SkipReason::Changed,
                detail: Some("what was found in it is not reported; run again".to_string()),
            });
        }
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
    }
    if !config.allowed_keys.is_empty() {
        findings.retain(|f| {
            let text = index.files[f.primary.file].source.slice(f.primary.span);
            !config.allows_key(text)
        });
    }
    settle(&index, &mut findings, o.ignore_comments);
    // one masker over every text a finding carries, whatever a check wrote into it
    for f in findings.iter_mut() {
        scrub_finding(f);
    }
    let (suppressed, mut findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.suppressed.is_some());
    if o.ignore_comments {
        let audit_on = |m: &Meta| enabled(m);
        if audit_on(&checks::unused_suppression::UnusedSuppression::META) {
            findings.extend(checks::unused_suppression::audit(
                &index,
                &suppressed,
                &enabled,
            ));
        }
        if audit_on(&checks::suppression_without_reason::SuppressionWithoutReason::META) {
            findings.extend(checks::suppression_without_reason::audit(&index));
        }
        settle(&index, &mut findings, false);
        for f in findings.iter_mut() {
            scrub_finding(f);
        }
    }
    for f in findings.iter_mut() {
        if let Some(&s) = config.checks.severity.get(f.meta.id) {
            f.severity = s;
        }
    }
    // findings in vendored code, fixtures, tests and examples (rules/paths.toml)
    match paths::PathClasses::new(&config.scan.app) {
        Ok(classes) => classes.apply(&mut findings, |f| {
            let path = index.files[f.primary.file].source.rel_path.as_str();
            roots
                .iter()
                .filter(|r| path.starts_with(r.as_str()))
                .map(|r| &path[r.len()..])
                .min_by_key(|p| p.len())
                .unwrap_or(path)
                .to_string()
        }),
        Err(e) => debug_assert!(false, "{e}"),
    }
    let skipped = skipped
        .into_iter()
        .map(|s| Skipped {
            path: redact::scrub(&s.path).into_owned(),
            detail: s.detail.map(|d| redact::scrub(&d).into_owned()),
            ..s
        })
        .collect();
    Report {
        index,
        findings,
        suppressed,
        skipped,
        config_path: None,
        baseline: None,
        hidden: Hidden::default(),
        elapsed: None,
        notes: Vec::new(),
        staged: None,
        base: None,
    }
}

/// Masks key-shaped and random-looking runs in a finding's message, help and labels.
fn scrub_finding(f: &mut Finding) {
    fn fix(s: &mut String) {
        if let std::borrow::Cow::Owned(o) = redact::scrub(s) {
            *s = o;
        }
    }
    fix(&mut f.message);
    if let Some(h) = f.help.as_mut() {
        fix(h);
    }
    fix(&mut f.primary.message);
    for l in &mut f.related {
        fix(&mut l.message);
    }
    if let Some(r) = f.suppressed.as_mut() {
        fix(r);
    }
}

/// Where reported paths start, so that annotations and SARIF name the same file whatever path
/// arguments were given: for a path inside a git repository, the repository's top level (the
/// nearest folder at or above it with `.git`); outside git, the path itself (a file: its
/// folder); for several paths, the common ancestor of those. `None` when a path cannot be
/// resolved (the walk then reports it).
fn output_base(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut base: Option<PathBuf> = None;
    for p in paths {
        let dir = root_dir(p)?;
        let own = repo_top(&dir).unwrap_or(dir);
        base = Some(match base {
            None => own,
            Some(b) => common_ancestor(&b, &own),
        });
    }
    base
}

/// The canonical folder a root stands for (a file root: its folder).
fn root_dir(path: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(path).ok()?;
    if abs.is_dir() {
        Some(abs)
    } else {
        abs.parent().map(Path::to_path_buf)
    }
}

/// `a/b/` for a root at `base/a/b` (a file root: its folder), `` for the base itself.
fn prefix_under(base: &Path, path: &Path) -> String {
    let Some(rel) = root_dir(path).and_then(|d| d.strip_prefix(base).ok().map(Path::to_path_buf))
    else {
        return display_prefix(path);
    };
    let s: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if s.is_empty() {
        String::new()
    } else {
        format!("{}/", s.join("/"))
    }
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
///
/// Sorted by (path, line, column, check, end): within one line the column grows with the
/// (char-boundary) byte offset, so the offset stands in for it and no characters are counted;
/// lines come from the file's line table. n log n in the findings, whatever their number per
/// file or per line.
fn settle(index: &ProjectIndex, findings: &mut Vec<Finding>, apply_suppressions: bool) {
    let key = |f: &Finding| {
        let file = &index.files[f.primary.file].source;
        let start = f.primary.span.start as usize;
        (
            file.rel_path.as_str(),
            file.line(start),
            file.snapped(start),
            f.meta.id,
            f.primary.span.end,
        )
    };
    findings.sort_by_cached_key(key);
    let mut seen = HashSet::new();
    findings.retain(|f| seen.insert((f.meta.id, f.primary.file, f.primary.span)));
    if !apply_suppressions {
        return;
    }
    let mut lookups = suppress::Lookups::default();
    for f in findings.iter_mut() {
        let file = &index.files[f.primary.file].source;
        f.suppressed = lookups.get(
            f.primary.file,
            file,
            f.primary.span.start as usize,
            f.meta.id,
        );
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
    run_keeping(cli, out, err).map(|(code, _)| code)
}

/// [`run`] for a process that exits right after: the report is not freed (the system takes
/// the memory back at exit at once; freeing a 200k-file index one allocation at a time costs
/// ~0.1 s).
pub fn run_then_exit(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Fatal> {
    run_keeping(cli, out, err).map(|(code, report)| {
        std::mem::forget(report);
        code
    })
}

fn run_keeping(
    cli: Cli,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(i32, Option<Report>), Fatal> {
    match cli.command {
        Command::Rules { format } => {
            match format {
                cli::RulesFormat::Human => explain::rules(out)?,
                cli::RulesFormat::Json => explain::rules_json(out)?,
            }
            Ok((0, None))
        }
        Command::Explain { id } => {
            let Some(check) = checks::by_id(&id) else {
                return Err(Fatal::unknown_check(id));
            };
            explain::explain(check.meta(), out)?;
            Ok((0, None))
        }
        Command::Lint(args) => lint_command(&args, out, err),
        Command::History(args) => history_command(&args, out, err).map(|c| (c, None)),
    }
}

fn history_command(
    args: &cli::HistoryArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, Fatal> {
    let started = std::time::Instant::now();
    // one argument naming an existing folder is the repository, not a revision
    let (range, path) = match (&args.range, &args.path) {
        (Some(r), None) if Path::new(r).is_dir() => (None, Some(PathBuf::from(r))),
        (r, p) => (r.clone(), p.clone()),
    };
    let root = history::root(path.as_deref());
    if !root.exists() {
        return Err(Fatal::PathNotFound(root.display().to_string()));
    }
    let config_path = match &args.config {
        Some(p) => Some(p.clone()),
        None => Config::discover(&root)?,
    };
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let catalog = catalog_for(&config)?;
    let opts = history::HistoryOptions {
        range,
        since: args.since.as_deref().map(history::parse_date).transpose()?,
        until: args.until.as_deref().map(history::parse_date).transpose()?,
        threads: walk::cap_threads(
            args.threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
        ),
        max_blob_size: config.max_file_size(),
    };
    let mut report = history::scan(&root, &opts, &catalog, &|k| config.allows_key(k))?;
    report.elapsed = Some(started.elapsed());
    let ropts = render::history::Options {
        quiet: args.quiet,
        verbose: args.verbose,
        timing: true,
    };
    render::history::render(&report, args.format, &ropts, out, err)?;
    Ok(i32::from(!report.findings.is_empty()))
}

fn lint_command(
    args: &LintArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(i32, Option<Report>), Fatal> {
    let started = std::time::Instant::now();
    let config_path = match &args.config {
        Some(p) => Some(p.clone()),
        None => match args.paths.first() {
            Some(p) => Config::discover(p)?,
            None => None,
        },
    };
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let threads = walk::cap_threads(
        args.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
    );
    let o = LintOptions {
        threads,
        ignore_comments: !args.no_ignore_comments,
        staged: args.staged,
    };
    // Given files (pre-commit passes the staged ones), read the whole repository for context
    // but report only what is located in those files.
    let only_files = !args.paths.is_empty() && args.paths.iter().all(|p| p.is_file());
    let mut report = if args.staged {
        staged_lint(args, &config, &o)?
    } else if only_files
        && !args.paths.iter().all(|p| {
            std::fs::canonicalize(p)
                .ok()
                .and_then(|a| repo_root(&a))
                .is_some()
        })
    {
        // files outside a repository: those files and nothing beyond them
        lint_with(&args.paths, &config, &o)?
    } else if only_files {
        // a given file that cannot be read is an error, not a skip note
        for p in &args.paths {
            check_root(p)?;
        }
        let root = files_root(&args.paths);
        let mut r = lint_with(std::slice::from_ref(&root), &config, &o)?;
        let wanted: HashSet<String> = args.paths.iter().filter_map(|p| rel_to(&root, p)).collect();
        let keep = |f: &Finding, r: &Report| {
            wanted.contains(&r.index.files[f.primary.file].source.rel_path)
        };
        let findings = std::mem::take(&mut r.findings);
        r.findings = findings.into_iter().filter(|f| keep(f, &r)).collect();
        let sup = std::mem::take(&mut r.suppressed);
        r.suppressed = sup.into_iter().filter(|f| keep(f, &r)).collect();
        r
    } else {
        lint_with(&args.paths, &config, &o)?
    };
    report.config_path = config_path;
    if let Some(path) = &args.write_baseline {
        refuse_overwriting_inputs(path, &report, &[])?;
        baseline::write(&report, path)?;
        writeln!(
            err,
            "keylint: wrote {} findings to baseline {}",
            report.findings.len(),
            path.display()
        )?;
        return Ok((0, Some(report)));
    }
    if let Some(path) = &args.baseline {
        let b = baseline::read(path)?;
        let mut outcome = baseline::apply(&mut report, &b);
        // stale entries are printed back: the baseline file is input like any other
        // stale entries are printed back: the baseline file is input like any other, and a
        // 32-hex fingerprint cannot be told from a 32-hex key, so only its first 12 show
        for e in &mut outcome.stale {
            for field in [&mut e.rule, &mut e.path] {
                *field = redact::scrub(field).into_owned();
            }
            e.fingerprint = match e.fingerprint.get(..12) {
                Some(head)
                    if e.fingerprint.len() == 32
                        && e.fingerprint.bytes().all(|c| c.is_ascii_hexdigit()) =>
                {
                    format!("{head}…")
                }
                _ => redact::scrub(&e.fingerprint).into_owned(),
            };
        }
        report.baseline = Some(outcome);
    }
    if args.fix || args.diff {
        let mut edits = fix::collect(&report);
        // a decoded file (BOM, UTF-16, lone CR) cannot take an edit spliced into its text
        let before = edits.len();
        edits.retain(|e| !report.index.files[e.file].source.transcoded);
        if edits.len() < before {
            writeln!(
                err,
                "keylint: {} fixes left out: their files have a BOM, are UTF-16 or end lines with a lone CR; edit them by hand",
                before - edits.len()
            )?;
        }
        if args.diff {
            fix::print_diff(&report, &edits, out)?;
            return Ok((0, Some(report)));
        }
        let n = fix::apply(&report, &edits)?;
        writeln!(err, "keylint: applied {n} fixes")?;
        // report what is left
        report = lint_with(&args.paths, &config, &o)?;
    }
    // explicit display filters apply to every format and to the exit status
    let min_severity = args.min_severity.unwrap_or(Severity::Info);
    let mut hidden = Hidden::default();
    report.findings.retain(|f| {
        if f.severity < min_severity {
            hidden.below_severity += 1;
            false
        } else if f.confidence < args.min_confidence {
            hidden.below_confidence += 1;
            false
        } else {
            true
        }
    });
    report.hidden = hidden;
    report.elapsed = Some(started.elapsed());
    let opts = render::RenderOptions::from_args(args);
    match &args.output {
        Some(path) => {
            let extra: Vec<&Path> = [report.config_path.as_deref(), args.baseline.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            refuse_overwriting_inputs(path, &report, &extra)?;
            let mut file = std::fs::File::create(path)?;
            render::render(&report, args.format, &opts, &mut file, err)?;
            if args.format != cli::Format::Human {
                render::render(&report, cli::Format::Human, &opts, out, err)?;
            }
        }
        None => render::render(&report, args.format, &opts, out, err)?,
    }
    Ok((exit_code(&report.findings, args.fail_on), Some(report)))
}

/// `--staged`: lints the repository as the commit being prepared has it and keeps the findings
/// that the commit touches (see [`touched_by`]). Files given (pre-commit passes the staged ones,
/// or every file under `--all-files`) count as touched; folders given are the roots.
fn staged_lint(args: &LintArgs, config: &Config, o: &LintOptions) -> Result<Report, Fatal> {
    let (files, dirs): (Vec<&PathBuf>, Vec<&PathBuf>) =
        args.paths.iter().partition(|p| p.is_file());
    for p in &files {
        check_root(p)?;
    }
    let roots: Vec<PathBuf> = if dirs.is_empty() {
        let files: Vec<PathBuf> = files.iter().map(|p| p.to_path_buf()).collect();
        vec![files_root(&files)]
    } else {
        dirs.into_iter().cloned().collect()
    };
    let mut r = lint_with(&roots, config, o)?;
    let mut touched = r.staged.clone().unwrap_or_default();
    if roots.len() == 1 {
        touched.extend(files.iter().filter_map(|p| rel_to(&roots[0], p)));
    }
    let findings = std::mem::take(&mut r.findings);
    let sup = std::mem::take(&mut r.suppressed);
    {
        let keep = touched_by(&r.index, &touched);
        r.findings = findings.into_iter().filter(|f| keep(f)).collect();
        r.suppressed = sup.into_iter().filter(|f| keep(f)).collect();
    }
    r.staged = Some(touched);
    Ok(r)
}

/// Does a change to `touched` paths (as reported) touch a finding? When the finding's location
/// or one of its related locations is in a touched file, or a touched file of a kind keylint
/// reads was deleted in the finding's folder or above it (a deleted `.dockerignore` lets the
/// Dockerfile beside it copy `.env`).
fn touched_by<'a>(
    index: &'a ProjectIndex,
    touched: &'a std::collections::BTreeSet<String>,
) -> impl Fn(&Finding) -> bool + 'a {
    let present: HashSet<&str> = index
        .files
        .iter()
        .map(|f| f.source.rel_path.as_str())
        .collect();
    let deleted_dirs: Vec<String> = touched
        .iter()
        .filter(|p| !present.contains(p.as_str()) && classify::classify(p).is_some())
        .map(|p| {
            p.rsplit_once('/')
                .map_or(String::new(), |(d, _)| format!("{d}/"))
        })
        .collect();
    move |f: &Finding| {
        let path = |i: usize| index.files[i].source.rel_path.as_str();
        std::iter::once(f.primary.file)
            .chain(f.related.iter().map(|l| l.file))
            .any(|i| touched.contains(path(i)))
            || deleted_dirs
                .iter()
                .any(|d| path(f.primary.file).starts_with(d.as_str()))
    }
}

/// The folder read for context when only files are given (pre-commit passes the staged ones):
/// for each file its repository (the nearest folder above it with `.git`), else the current
/// folder when the file is inside it, else the file's own folder; for several files, the
/// common ancestor of those.
fn files_root(files: &[PathBuf]) -> PathBuf {
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
    let mut root: Option<PathBuf> = None;
    for file in files {
        let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        let own = repo_root(&abs)
            .or_else(|| cwd.clone().filter(|c| abs.starts_with(c)))
            .unwrap_or_else(|| abs.parent().unwrap_or(&abs).to_path_buf());
        root = Some(match root {
            None => own,
            Some(r) => common_ancestor(&r, &own),
        });
    }
    root.or(cwd).unwrap_or_else(|| PathBuf::from("."))
}

/// The nearest folder above `file` (absolute) with `.git`.
fn repo_root(file: &Path) -> Option<PathBuf> {
    repo_top(file.parent()?)
}

/// The nearest folder at or above `dir` (absolute) with `.git`.
fn repo_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

fn common_ancestor(a: &Path, b: &Path) -> PathBuf {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect()
}

/// Refuses to write `target` (`--output`, `--write-baseline`) over a file the run read: one of
/// the scanned files, the config or the baseline. Paths are compared canonical.
fn refuse_overwriting_inputs(target: &Path, report: &Report, extra: &[&Path]) -> Result<(), Fatal> {
    // a file that does not exist yet was not read
    let Ok(target_canon) = std::fs::canonicalize(target) else {
        return Ok(());
    };
    let same = |p: &Path| std::fs::canonicalize(p).is_ok_and(|c| c == target_canon);
    let name = target_canon.file_name();
    // only files of the same name (or read through a symlink) can be the target: no
    // canonicalize per scanned file
    let scanned = report.index.files.iter().any(|f| {
        let candidate = match f.disk.as_deref() {
            Some(index::Disk::At(_)) => true,
            Some(index::Disk::Under { .. }) => name
                .and_then(|n| n.to_str())
                .is_some_and(|n| f.source.rel_path.rsplit('/').next() == Some(n)),
            None => false,
        };
        candidate && f.disk_path().is_some_and(|p| same(&p))
    });
    if scanned || extra.iter().any(|p| same(p)) {
        return Err(Fatal::OutputIsInput(target.display().to_string()));
    }
    Ok(())
}

fn rel_to(root: &Path, file: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(file).ok()?;
    let root = std::fs::canonicalize(root).ok()?;
    let rel = abs.strip_prefix(root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}
