//! Parallel walk: find files of a relevant kind, read each once, parse it on the walker thread.
//!
//! Walker configuration, and why:
//! - `hidden(false)`: `.env`, `.github` and `.vscode` are hidden and are what we read.
//! - `git_ignore(false)`: we evaluate `.gitignore` ourselves (see [`GitignoreChain`]) because
//!   a gitignored `.env` must still be read (401s start there) while we remember that it is not
//!   committed, and ignored folders must still be pruned. The `ignore` crate's overrides cannot
//!   express "read this ignored file" without ignoring everything else.
//! - `.gitignore` rules apply even outside a git repository (`require_git(false)` in spirit):
//!   fixtures and corpora are plain folders.
//! - `.ignore` files are honoured as tool-specific excludes: what they exclude is pruned (files
//!   and folders alike). We load them ourselves, like `.gitignore` (`ignore(false)`): the crate
//!   opens ignore files with a bare `open`, so a FIFO named `.ignore` would block the run and a
//!   symlink `.ignore -> /dev/zero` would grow memory until the allocator aborts.
//! - every file is opened through [`crate::fsread`]: regular files only (checked on the opened
//!   handle), with a size cap.
//! - `follow_links(false)`: a symlinked file is read only if it resolves inside the root; a
//!   symlinked folder is never entered, so loops are impossible.
//! - reading stops one byte past the size cap, so a huge file costs at most the cap.
//! - `--threads` is capped ([`cap_threads`]): the crate starts every thread it is asked for.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::catalog::Catalog;
use crate::classify::{self, FileKind};
use crate::git::Tracking;
use crate::index::{self, IndexedFile};
use crate::source::SourceFile;

/// Folders that are never scanned: dependencies, build output, VCS and tool caches.
pub const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    "dist",
    "build",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".cache",
    ".parcel-cache",
    "coverage",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".gradle",
    ".terraform",
    "bower_components",
    "jspm_packages",
    ".yarn",
    ".pnpm-store",
    ".output",
    ".vercel",
    ".angular",
];

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    TooLarge,
    Binary,
    NotUtf8,
    Unreadable,
    SymlinkOutsideRoot,
    /// a FIFO, socket or device (never read: a FIFO blocks, a device never ends)
    NotRegular,
    /// different when re-read for a finding's snippet than when it was linted
    Changed,
}

impl SkipReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            SkipReason::TooLarge => "larger than the size cap",
            SkipReason::Binary => "binary",
            SkipReason::NotUtf8 => "not UTF-8",
            SkipReason::Unreadable => "unreadable",
            SkipReason::SymlinkOutsideRoot => "symlink pointing outside the scanned root",
            SkipReason::NotRegular => "not a regular file",
            SkipReason::Changed => "changed during the scan",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

pub struct WalkOptions<'a> {
    pub max_file_size: u64,
    pub exclude: &'a [String],
    pub threads: usize,
    /// the repository the root is in: its index decides what is committed
    pub git: Option<Arc<GitRoot>>,
    /// the front ends: one file's text → its facts (the walker reads; it does not parse)
    pub parse: ParseFn,
    /// the literal pass's byte prefilter: does a text file hold any key prefix at all?
    pub prefilter: fn(&[u8], &Catalog) -> bool,
}

/// A front end entry point: (kind, relative path, text, catalog) → facts.
pub type ParseFn = fn(&FileKind, &str, &str, &Catalog) -> crate::facts::FileFacts;

/// The git side of one walk ([`crate::git`]).
#[derive(Debug)]
pub struct GitRoot {
    pub view: crate::git::GitView,
    /// the walked folder relative to the repository's top level ("" or `a/b/`)
    pub prefix: String,
    /// `--staged`: tracked files are read from the index (the commit being prepared), not
    /// from the working tree, and only tracked files count as committed
    pub staged: bool,
}

impl GitRoot {
    /// `rel` (relative to the walked folder) relative to the top level.
    fn repo_rel(&self, rel: &str) -> String {
        let mut s = String::with_capacity(self.prefix.len() + rel.len());
        s.push_str(&self.prefix);
        s.push_str(rel);
        s
    }
}

#[derive(Default)]
pub struct WalkResult {
    pub files: Vec<IndexedFile>,
    pub skipped: Vec<Skipped>,
}

/// Walks `root`, reading and parsing every relevant file. `prefix` is prepended to relative
/// paths (used when several roots are scanned at once).
pub fn walk(
    root: &Path,
    prefix: &str,
    catalog: &Catalog,
    opts: &WalkOptions,
) -> Result<WalkResult, ignore::Error> {
    let canon_root = root.canonicalize().map_err(ignore::Error::Io)?;
    // an unreadable root is the caller's error, not a note about one folder
    if canon_root.is_dir() {
        std::fs::read_dir(&canon_root).map_err(ignore::Error::Io)?;
    }
    let chain = Arc::new(GitignoreChain::with_files(
        root.to_path_buf(),
        canon_root.clone(),
        GITIGNORE_FILES,
        opts.max_file_size,
        prefix,
    ));
    let ignore_chain = Arc::new(GitignoreChain::with_files(
        root.to_path_buf(),
        canon_root.clone(),
        IGNORE_FILES,
        opts.max_file_size,
        prefix,
    ));
    let mut overrides = ignore::overrides::OverrideBuilder::new(root);
    for glob in opts.exclude {
        overrides.add(&format!("!{glob}"))?;
    }
    let overrides = overrides.build()?;
    let result = Mutex::new(WalkResult::default());
    // every regular file's disk path is `root` + its relative path: one shared record
    let under_root = Arc::new(index::Disk::Under {
        dir: root.to_path_buf(),
        prefix_len: prefix.len(),
    });
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .ignore(false)
        .parents(false)
        .follow_links(false)
        .overrides(overrides.clone())
        .threads(cap_threads(opts.threads));
    let chain_ref = Arc::clone(&chain);
    let ignore_ref = Arc::clone(&ignore_chain);
    let git_ref = opts.git.clone();
    let filter_root = root.to_path_buf();
    builder.filter_entry(move |e| {
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        if !is_dir {
            return true;
        }
        let name = e.file_name().to_string_lossy();
        if e.depth() > 0 && SKIP_DIRS.contains(&name.as_ref()) {
            return false;
        }
        // `.ignore` prunes every folder it excludes, settings folders too
        if e.depth() > 0 && ignore_ref.is_ignored(e.path(), true) {
            return false;
        }
        // prune ignored folders: nothing under them is read, except the settings folders of
        // editors and agents (`.vscode/`, `.claude/`): like `.env`, local copies cause 401s
        // nor folders git tracks files in (a force-added file is committed)
        e.depth() == 0
            || crate::tools::TOOLS.is_settings_dir(&name)
            || !chain_ref.is_ignored(e.path(), true)
            || git_ref.as_ref().is_some_and(|g| {
                g.view
                    .has_tracked_under(&g.repo_rel(&rel_path(&filter_root, e.path(), "")))
            })
    });
    builder.build_parallel().run(|| {
        let result = &result;
        let chain = &*chain;
        let ignore_chain = &*ignore_chain;
        let canon_root = &canon_root;
        let under_root = &under_root;
        let git = opts.git.as_deref();
        // one repository handle per worker, for staged blobs
        let repo = git.filter(|g| g.staged).map(|g| g.view.repo());
        let mut local = Collector {
            result,
            local: WalkResult::default(),
        };
        // one read buffer per worker: no allocation (and no fresh pages) per file
        let mut buf: Vec<u8> = Vec::new();
        let mut folder: FolderCache = None;
        let mut ignore_folder: FolderCache = None;
        Box::new(move |entry| {
            let local = &mut local.local;
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    local.skipped.push(Skipped {
                        path: error_path(&err, root, prefix),
                        reason: SkipReason::Unreadable,
                        detail: Some(err.to_string()),
                    });
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            // sockets, FIFOs and devices are never opened (a FIFO would block the run); one
            // swapped in after this check is refused by the reader
            if ft.is_dir() || !(ft.is_file() || ft.is_symlink()) {
                return WalkState::Continue;
            }
            let rel = rel_path(root, entry.path(), prefix);
            let Some(kind) = classify::classify(&rel) else {
                return WalkState::Continue;
            };
            if ignore_chain.is_ignored_cached(entry.path(), false, &mut ignore_folder) {
                return WalkState::Continue;
            }
            // a symlink is read through its target; any other path is borrowed, not copied
            let mut path = std::borrow::Cow::Borrowed(entry.path());
            if ft.is_symlink() {
                match path.canonicalize() {
                    // the reader refuses a target that is not a regular file
                    Ok(t) if t.starts_with(canon_root) => {
                        path = std::borrow::Cow::Owned(t);
                    }
                    Ok(_) | Err(_) => {
                        local.skipped.push(Skipped {
                            path: rel,
                            reason: SkipReason::SymlinkOutsideRoot,
                            detail: None,
                        });
                        return WalkState::Continue;
                    }
                }
            }
            let gitignored = chain.is_ignored_cached(entry.path(), false, &mut folder);
            let (tracking, committed, repo_rel) = match git {
                None => (Tracking::NoRepo, !gitignored, None),
                Some(g) => {
                    let r = g.repo_rel(&rel[prefix.len()..]);
                    let (t, c) = if g.view.is_tracked(&r) {
                        (Tracking::Tracked, true)
                    } else if gitignored {
                        (Tracking::UntrackedIgnored, false)
                    } else {
                        // `git add .` commits it; the commit being prepared does not
                        (Tracking::Untracked, !g.staged)
                    };
                    (t, c, Some(r))
                }
            };
            if buf.capacity() > (8 << 20) {
                buf = Vec::new();
            }
            // the literal pass (any other text file) reads committed files only, and what it
            // cannot read, or finds nothing in, leaves no trace
            let literal_pass = kind == FileKind::Text;
            if literal_pass && !committed {
                return WalkState::Continue;
            }
            // under --staged a tracked file is read as staged: its blob in the index
            let staged = match (git, &repo, &repo_rel) {
                (Some(g), Some(repo), Some(r)) if tracking == Tracking::Tracked => {
                    g.view.staged_blob(repo, r, opts.max_file_size)
                }
                _ => None,
            };
            let from_index = staged.is_some();
            let blob: Vec<u8>;
            let read = match staged {
                Some(Ok(bytes)) => {
                    blob = bytes;
                    prefiltered(&blob, &kind, catalog, opts.prefilter)
                }
                Some(Err(size)) => {
                    Err((SkipReason::TooLarge, Some(format!("{size} bytes staged"))))
                }
                None => read(
                    &path,
                    &kind,
                    opts.max_file_size,
                    &mut buf,
                    catalog,
                    opts.prefilter,
                ),
            };
            match read {
                Ok(None) => {}
                Err(_) if literal_pass => {}
                Ok(Some(decoded)) => {
                    let text = &*decoded.text;
                    let facts = parse_guarded(opts.parse, &kind, &rel, text, catalog);
                    if matches!(kind, FileKind::Text | FileKind::Notebook)
                        && facts.literals.is_empty()
                        && facts.parse_issues.is_empty()
                    {
                        return WalkState::Continue;
                    }
                    // a file with nothing to quote keeps no text (re-read if a finding needs
                    // it); a staged file always keeps it (the disk holds other text)
                    let mut source = if !from_index && index::releasable(&kind, &facts, text) {
                        SourceFile::released(rel, text)
                    } else {
                        SourceFile::new(rel, decoded.text.into_owned())
                    };
                    source.transcoded = decoded.transcoded;
                    local.files.push({
                        let mut f = index::index_file(catalog, source, kind, facts, committed);
                        f.tracking = tracking;
                        f.gitignored = gitignored;
                        // a symlink's target, or a name the relative path shows lossily,
                        // is kept as it is
                        f.disk = if from_index {
                            None
                        } else if ft.is_symlink() || path.to_str().is_none() {
                            Some(Arc::new(index::Disk::At(path.to_path_buf())))
                        } else {
                            Some(Arc::clone(under_root))
                        };
                        f
                    });
                }
                Err((reason, detail)) => local.skipped.push(Skipped {
                    path: rel,
                    reason,
                    detail,
                }),
            }
            WalkState::Continue
        })
    });
    // every worker's Collector has been dropped (and flushed) when `run` returns
    let mut r = result.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(g) = opts.git.as_deref().filter(|g| g.staged) {
        staged_missing(
            g,
            root,
            prefix,
            catalog,
            opts,
            &chain,
            &ignore_chain,
            &overrides,
            &mut r,
        );
    }
    r.skipped.extend(chain.take_notes());
    r.skipped.extend(ignore_chain.take_notes());
    r.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    // two workers can build the same folder's matcher: one note per file
    r.skipped
        .dedup_by(|a, b| a.path == b.path && a.reason == b.reason);
    Ok(r)
}

/// Under `--staged`, tracked files the walk did not see (deleted from the working tree but not
/// from the index) are still in the commit: read them from the index.
#[allow(clippy::too_many_arguments)]
fn staged_missing(
    g: &GitRoot,
    root: &Path,
    prefix: &str,
    catalog: &Catalog,
    opts: &WalkOptions,
    chain: &GitignoreChain,
    ignore_chain: &GitignoreChain,
    overrides: &ignore::overrides::Override,
    r: &mut WalkResult,
) {
    let seen: std::collections::HashSet<&str> = r
        .files
        .iter()
        .map(|f| &f.source.rel_path[prefix.len()..])
        .chain(
            r.skipped
                .iter()
                .map(|s| s.path.get(prefix.len()..).unwrap_or("")),
        )
        .collect();
    let repo = g.view.repo();
    let mut found = Vec::new();
    for (repo_rel, id) in g.view.tracked_under(&g.prefix) {
        let Some(inner) = repo_rel.get(g.prefix.len()..) else {
            continue;
        };
        if seen.contains(inner) {
            continue;
        }
        let (dirs, _) = inner.rsplit_once('/').unwrap_or(("", inner));
        if dirs.split('/').any(|d| SKIP_DIRS.contains(&d)) {
            continue;
        }
        let rel = format!("{prefix}{inner}");
        let Some(kind) = classify::classify(&rel) else {
            continue;
        };
        let disk = root.join(inner);
        if ignore_chain.is_ignored(&disk, false) || overrides.matched(inner, false).is_ignore() {
            continue;
        }
        let text = match crate::git::read_blob(&repo, id, opts.max_file_size).ok() {
            Some(Ok(bytes)) => bytes,
            Some(Err(size)) => {
                found.push(Err(Skipped {
                    path: rel,
                    reason: SkipReason::TooLarge,
                    detail: Some(format!("{size} bytes staged")),
                }));
                continue;
            }
            None => continue,
        };
        match crate::fsread::decode(&text, &kind) {
            Ok(decoded) => {
                let facts = parse_guarded(opts.parse, &kind, &rel, &decoded.text, catalog);
                let mut source = SourceFile::new(rel, decoded.text.into_owned());
                source.transcoded = decoded.transcoded;
                let mut f = index::index_file(catalog, source, kind, facts, true);
                f.tracking = Tracking::Tracked;
                f.gitignored = chain.is_ignored(&disk, false);
                found.push(Ok(f));
            }
            Err((reason, detail)) => found.push(Err(Skipped {
                path: rel,
                reason,
                detail,
            })),
        }
    }
    for x in found {
        match x {
            Ok(f) => r.files.push(f),
            Err(s) => r.skipped.push(s),
        }
    }
}

/// `--threads` as the walker gets it: at most four per core and 64 in all (the crate starts
/// every thread it is asked for; 100,000 of them never finish starting). 0 lets it choose.
pub fn cap_threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    requested.min(4 * cores).min(64)
}

/// Parses one file; a bug that panics on some input becomes a parse issue for that file and
/// the run goes on. The panic message is not shown: it could quote the file.
fn parse_guarded(
    parse: ParseFn,
    kind: &FileKind,
    rel: &str,
    text: &str,
    catalog: &Catalog,
) -> crate::facts::FileFacts {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // debug builds only: lets a test make the parser fail on one file
        #[cfg(debug_assertions)]
        if std::env::var_os("KEYLINT_DEBUG_PANIC_ON").is_some_and(|p| p == rel) {
            panic!("parser panic requested by KEYLINT_DEBUG_PANIC_ON");
        }
        parse(kind, rel, text, catalog)
    }))
    .unwrap_or_else(|_| {
        let mut facts = crate::facts::FileFacts::default();
        facts.parse_issues.push(crate::facts::ParseIssue {
            span: crate::source::Span::new(0, 0),
            message: crate::facts::PARSER_FAILED.to_string(),
        });
        facts
    })
}

/// A worker's private results, merged into the shared result once, when the worker ends.
struct Collector<'a> {
    result: &'a Mutex<WalkResult>,
    local: WalkResult,
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        let mut r = self.result.lock().unwrap_or_else(|p| p.into_inner());
        // the smaller list is copied onto the larger, never both into a third
        if self.local.files.len() > r.files.len() {
            std::mem::swap(&mut r.files, &mut self.local.files);
        }
        r.files.append(&mut self.local.files);
        r.skipped.append(&mut self.local.skipped);
    }
}

fn error_path(err: &ignore::Error, root: &Path, prefix: &str) -> String {
    fn find(err: &ignore::Error) -> Option<&Path> {
        match err {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find(err)
            }
            ignore::Error::Loop { child, .. } => Some(child),
            _ => None,
        }
    }
    find(err).map_or_else(
        || prefix.trim_end_matches('/').to_string(),
        |p| rel_path(root, p, prefix),
    )
}

/// `dir` is `root` or inside it: a byte prefix ending at a separator, else `Path::starts_with`.
fn under(dir: &Path, root: &Path) -> bool {
    let (d, r) = (
        dir.as_os_str().as_encoded_bytes(),
        root.as_os_str().as_encoded_bytes(),
    );
    if let Some(rest) = d.strip_prefix(r) {
        if rest.is_empty() || std::path::is_separator(char::from(rest[0])) {
            return true;
        }
    }
    dir.starts_with(root)
}

/// The entry's path with the canonical root in place of the given root.
fn canon_under(canon_root: &Path, root: &Path, path: &Path) -> PathBuf {
    match path.strip_prefix(root) {
        Ok(rel) => canon_root.join(rel),
        Err(_) => path.to_path_buf(),
    }
}

pub fn rel_path(root: &Path, path: &Path, prefix: &str) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // the walker's own paths are plain `a/b/c` on Unix: one allocation of the right size
    if let Some(r) = rel.to_str().filter(|r| {
        cfg!(unix)
            && !r.is_empty()
            && !r.starts_with('/')
            && !r.contains("//")
            && !r.ends_with('/')
            && !r.split('/').any(|c| c == "." || c == "..")
    }) {
        let mut s = String::with_capacity(prefix.len() + r.len());
        s.push_str(prefix);
        s.push_str(r);
        return s;
    }
    let mut s = String::from(prefix);
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.push_str(&c.as_os_str().to_string_lossy());
    }
    // a file given as the root: its name, under the root's prefix
    if s.len() == prefix.len()
        && let Some(n) = path.file_name()
    {
        s.push_str(&n.to_string_lossy());
    }
    s
}

/// Reads a file into `buf` (through [`crate::fsread`]: regular files only, at most `cap`
/// bytes) and decodes it, or says why it is skipped. `None`: a file for the literal pass whose
/// raw bytes hold no key format's start (nothing is decoded).
fn read<'b>(
    path: &Path,
    kind: &FileKind,
    cap: u64,
    buf: &'b mut Vec<u8>,
    catalog: &Catalog,
    prefilter: fn(&[u8], &Catalog) -> bool,
) -> Result<Option<crate::fsread::Decoded<'b>>, (SkipReason, Option<String>)> {
    // a walked file is not a symlink, and a symlink's target is canonical: if the last
    // component is a symlink now, the file was swapped since the walker saw it
    crate::fsread::read_capped(path, cap, crate::fsread::Follow::Never, buf)
        .map_err(|e| e.skip())?;
    prefiltered(buf, kind, catalog, prefilter)
}

/// Decodes a file's bytes, except a text file for the literal pass with no key prefix in it:
/// `None` before any UTF-8 work.
fn prefiltered<'b>(
    bytes: &'b [u8],
    kind: &FileKind,
    catalog: &Catalog,
    prefilter: fn(&[u8], &Catalog) -> bool,
) -> Result<Option<crate::fsread::Decoded<'b>>, (SkipReason, Option<String>)> {
    let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if *kind == FileKind::Text && !utf16 && !prefilter(bytes, catalog) {
        return Ok(None);
    }
    crate::fsread::decode(bytes, kind).map(Some)
}

/// The ignore files [`GitignoreChain::new`] reads in each folder.
pub const GITIGNORE_FILES: &[&str] = &[".gitignore", ".git/info/exclude"];
/// Tool-specific excludes (ripgrep's and the `ignore` crate's `.ignore`).
pub const IGNORE_FILES: &[&str] = &[".ignore"];

/// Ignore files (`.gitignore` by default) from the root down to a path, nearest first, built
/// once per folder.
pub struct GitignoreChain {
    /// the root as the walker sees it (maybe relative) and canonical
    given: PathBuf,
    root: PathBuf,
    /// the files each folder may hold, relative to it
    names: &'static [&'static str],
    /// size cap for one ignore file
    cap: u64,
    /// prepended to paths in notes (several roots at once)
    prefix: String,
    /// folder → the matchers that have a say in it and whether it is itself excluded
    chains: RwLock<foldhash::HashMap<PathBuf, Arc<Folder>>>,
    /// ignore files that were there but not read (a FIFO, a link out of the root, too large)
    notes: Mutex<Vec<Skipped>>,
}

/// What the `.gitignore` files say about one folder.
pub struct Folder {
    path: PathBuf,
    /// the matchers of this folder and every folder above it up to the root, nearest first
    matchers: Arc<[Arc<Gitignore>]>,
    /// excluded itself or through a parent: nothing under it can be re-included (git's rule)
    ignored: bool,
}

/// The folder a worker looked at last: the walker hands out a folder's entries together, so
/// most paths skip the shared map.
pub type FolderCache = Option<Arc<Folder>>;

impl GitignoreChain {
    /// The `.gitignore` and `.git/info/exclude` files under `root` (`given` is the same folder
    /// as the walker names it).
    pub fn new(given: PathBuf, root: PathBuf) -> Self {
        Self::with_files(
            given,
            root,
            GITIGNORE_FILES,
            crate::config::DEFAULT_MAX_FILE_SIZE,
            "",
        )
    }

    /// The ignore files called `names` under `root`, each read up to `cap` bytes.
    pub fn with_files(
        given: PathBuf,
        root: PathBuf,
        names: &'static [&'static str],
        cap: u64,
        prefix: &str,
    ) -> Self {
        GitignoreChain {
            given,
            root,
            names,
            cap,
            prefix: prefix.to_string(),
            chains: RwLock::new(foldhash::HashMap::default()),
            notes: Mutex::new(Vec::new()),
        }
    }

    /// The notes about ignore files that were not read, for the walk's skip list.
    pub fn take_notes(&self) -> Vec<Skipped> {
        std::mem::take(&mut *self.notes.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The ignore files of one folder (canonical), if it has any.
    fn own_matcher(&self, dir: &Path) -> Option<Arc<Gitignore>> {
        let mut b = GitignoreBuilder::new(dir);
        let mut any = false;
        let mut buf = Vec::new();
        for name in self.names {
            let f = dir.join(name);
            match self.load(&f, &mut buf) {
                Ok(true) => {}
                Ok(false) => continue,
                Err((reason, detail)) => {
                    self.notes
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(Skipped {
                            path: rel_path(&self.root, &f, &self.prefix),
                            reason,
                            detail,
                        });
                    continue;
                }
            }
            any = true;
            // what `GitignoreBuilder::add` does, on bytes read safely: lines split at `\n`
            // (a `\r` before it dropped), a BOM before the first one ignored, and the file
            // ends at its first line that is not UTF-8
            for (i, line) in buf.split(|&b| b == b'\n').enumerate() {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let Ok(line) = std::str::from_utf8(line) else {
                    break;
                };
                let line = if i == 0 {
                    line.trim_start_matches('\u{feff}')
                } else {
                    line
                };
                // a broken line in someone's .gitignore is not our error to raise
                let _ = b.add_line(Some(f.clone()), line);
            }
        }
        if any {
            b.build().ok().map(Arc::new)
        } else {
            None
        }
    }

    /// Reads one ignore file into `buf`: `Ok(false)` when there is none, a note when it is
    /// there but is not read (not a regular file, a symlink out of the root, too large).
    fn load(&self, f: &Path, buf: &mut Vec<u8>) -> Result<bool, (SkipReason, Option<String>)> {
        use crate::fsread::{Follow, read_capped};
        // absent, or under something that is not a folder (`.git` as a worktree's file)
        let Ok(meta) = std::fs::symlink_metadata(f) else {
            return Ok(false);
        };
        if meta.is_dir() {
            return Ok(false);
        }
        let target;
        let path = if meta.file_type().is_symlink() {
            match f.canonicalize() {
                Ok(t) if t.starts_with(&self.root) => {
                    target = t;
                    &target
                }
                _ => return Err((SkipReason::SymlinkOutsideRoot, None)),
            }
        } else {
            f
        };
        read_capped(path, self.cap, Follow::Never, buf).map_err(|e| e.skip())?;
        Ok(true)
    }

    /// The nearest matcher with a say decides; none means not ignored.
    fn decide(matchers: &[Arc<Gitignore>], path: &Path, is_dir: bool) -> bool {
        for m in matchers {
            let hit = m.matched(path, is_dir);
            if hit.is_ignore() {
                return true;
            }
            if hit.is_whitelist() {
                return false;
            }
        }
        false
    }

    /// What the `.gitignore` files say about `dir` (canonical); one lookup once it has been
    /// seen, built from its parent's otherwise.
    fn folder(&self, dir: &Path) -> Arc<Folder> {
        if let Some(c) = self
            .chains
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(dir)
        {
            return Arc::clone(c);
        }
        let (matchers, ignored) = match dir.parent() {
            Some(p) if dir != self.root && p.starts_with(&self.root) => {
                let parent = self.folder(p);
                let ignored = parent.ignored || Self::decide(&parent.matchers, dir, true);
                (Arc::clone(&parent.matchers), ignored)
            }
            _ => (Arc::from(Vec::new()), false),
        };
        let matchers: Arc<[Arc<Gitignore>]> = match self.own_matcher(dir) {
            Some(m) => std::iter::once(m).chain(matchers.iter().cloned()).collect(),
            None => matchers,
        };
        let folder = Arc::new(Folder {
            path: dir.to_path_buf(),
            matchers,
            ignored,
        });
        self.chains
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf(), Arc::clone(&folder));
        folder
    }

    /// Is `path` (as walked) excluded by the nearest `.gitignore` that has a say, or inside
    /// an excluded folder?
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        self.is_ignored_cached(path, is_dir, &mut None)
    }

    /// [`Self::is_ignored`] with the caller's last folder remembered in `cache`.
    pub fn is_ignored_cached(&self, path: &Path, is_dir: bool, cache: &mut FolderCache) -> bool {
        // called twice for every file: paths are compared as bytes (`Path`'s own comparisons
        // parse components), which only costs a cache miss where two spellings differ
        let canon;
        let path = if self.given.as_os_str() == self.root.as_os_str() {
            path
        } else {
            canon = canon_under(&self.root, &self.given, path);
            &canon
        };
        let Some(dir) = path.parent().filter(|d| under(d, &self.root)) else {
            return false;
        };
        let folder = match cache {
            Some(f) if f.path.as_os_str() == dir.as_os_str() => Arc::clone(f),
            _ => {
                let f = self.folder(dir);
                *cache = Some(Arc::clone(&f));
                f
            }
        };
        folder.ignored || Self::decide(&folder.matchers, path, is_dir)
    }
}
