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
//! - `.ignore` files are honoured as tool-specific excludes.
//! - `follow_links(false)`: a symlinked file is read only if it resolves inside the root; a
//!   symlinked folder is never entered, so loops are impossible.
//! - reading stops one byte past the size cap, so a huge file costs at most the cap (no `stat`
//!   per file: the cap is the only thing it would tell).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::catalog::Catalog;
use crate::classify::{self, FileKind};
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
}

impl SkipReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            SkipReason::TooLarge => "larger than the size cap",
            SkipReason::Binary => "binary",
            SkipReason::NotUtf8 => "not UTF-8",
            SkipReason::Unreadable => "unreadable",
            SkipReason::SymlinkOutsideRoot => "symlink pointing outside the scanned root",
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
    let chain = Arc::new(GitignoreChain::new(root.to_path_buf(), canon_root.clone()));
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
        .ignore(true)
        .parents(false)
        .follow_links(false)
        .overrides(overrides)
        .threads(opts.threads);
    let chain_ref = Arc::clone(&chain);
    builder.filter_entry(move |e| {
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        if !is_dir {
            return true;
        }
        let name = e.file_name().to_string_lossy();
        if e.depth() > 0 && SKIP_DIRS.contains(&name.as_ref()) {
            return false;
        }
        // prune ignored folders: nothing under them is read, except the settings folders of
        // editors and agents (`.vscode/`, `.claude/`): like `.env`, local copies cause 401s
        e.depth() == 0
            || crate::tools::TOOLS.is_settings_dir(&name)
            || !chain_ref.is_ignored(e.path(), true)
    });
    builder.build_parallel().run(|| {
        let result = &result;
        let chain = &*chain;
        let canon_root = &canon_root;
        let under_root = &under_root;
        let mut local = Collector {
            result,
            local: WalkResult::default(),
        };
        // one read buffer per worker: no allocation (and no fresh pages) per file
        let mut buf: Vec<u8> = Vec::new();
        let mut folder: FolderCache = None;
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
            // sockets, FIFOs and devices are never opened (a FIFO would block the run)
            if ft.is_dir() || !(ft.is_file() || ft.is_symlink()) {
                return WalkState::Continue;
            }
            let rel = rel_path(root, entry.path(), prefix);
            let Some(kind) = classify::classify(&rel) else {
                return WalkState::Continue;
            };
            // a symlink is read through its target; any other path is borrowed, not copied
            let mut path = std::borrow::Cow::Borrowed(entry.path());
            if ft.is_symlink() {
                match path.canonicalize() {
                    Ok(t) if t.starts_with(canon_root) && t.is_file() => {
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
            let committed = !chain.is_ignored_cached(entry.path(), false, &mut folder);
            if buf.capacity() > (8 << 20) {
                buf = Vec::new();
            }
            match read(&path, opts.max_file_size, &mut buf) {
                Ok(text) => {
                    let facts = parse_guarded(&kind, &rel, text, catalog);
                    // a file with nothing to quote keeps no text (re-read if a finding needs it)
                    let source = if index::releasable(&kind, &facts, text) {
                        SourceFile::released(rel, text.len())
                    } else {
                        SourceFile::new(rel, text.to_string())
                    };
                    local.files.push({
                        let mut f = index::index_file(catalog, source, kind, facts, committed);
                        // a symlink's target, or a name the relative path shows lossily,
                        // is kept as it is
                        f.disk = Some(if ft.is_symlink() || path.to_str().is_none() {
                            Arc::new(index::Disk::At(path.to_path_buf()))
                        } else {
                            Arc::clone(under_root)
                        });
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
    r.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(r)
}

/// Parses one file; a bug that panics on some input becomes a parse issue for that file and
/// the run goes on. The panic message is not shown: it could quote the file.
fn parse_guarded(
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
        crate::parse::parse(kind, rel, text, catalog)
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
    if s.is_empty() {
        s = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    }
    s
}

/// Reads a file into `buf` (cleared first) and returns it as text, or why it is skipped.
fn read<'b>(
    path: &Path,
    cap: u64,
    buf: &'b mut Vec<u8>,
) -> Result<&'b str, (SkipReason, Option<String>)> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| (SkipReason::Unreadable, Some(e.to_string()));
    let file = std::fs::File::open(path).map_err(unreadable)?;
    buf.clear();
    // no `stat` per file: the worker's buffer is usually large enough already, and reading
    // stops one byte past the cap, so a huge file costs at most the cap
    file.take(cap + 1).read_to_end(buf).map_err(unreadable)?;
    if buf.len() as u64 > cap {
        let len = std::fs::metadata(path).map_or(buf.len() as u64, |m| m.len());
        return Err((
            SkipReason::TooLarge,
            Some(format!("{len} bytes, cap {cap}")),
        ));
    }
    if buf[..buf.len().min(8192)].contains(&0) {
        return Err((SkipReason::Binary, None));
    }
    std::str::from_utf8(buf).map_err(|e| {
        (
            SkipReason::NotUtf8,
            Some(format!("invalid byte at offset {}", e.valid_up_to())),
        )
    })
}

/// `.gitignore` files from the root down to a path, nearest first, built once per folder.
pub struct GitignoreChain {
    /// the root as the walker sees it (maybe relative) and canonical
    given: PathBuf,
    root: PathBuf,
    /// folder → the matchers that have a say in it and whether it is itself excluded
    chains: RwLock<foldhash::HashMap<PathBuf, Arc<Folder>>>,
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
    pub fn new(given: PathBuf, root: PathBuf) -> Self {
        GitignoreChain {
            given,
            root,
            chains: RwLock::new(foldhash::HashMap::default()),
        }
    }

    /// The `.gitignore` (and `.git/info/exclude`) of one folder, if it has any.
    fn own_matcher(dir: &Path) -> Option<Arc<Gitignore>> {
        let mut b = GitignoreBuilder::new(dir);
        let mut any = false;
        for f in [dir.join(".gitignore"), dir.join(".git/info/exclude")] {
            if f.is_file() {
                // a broken line in someone's .gitignore is not our error to raise
                let _ = b.add(&f);
                any = true;
            }
        }
        if any {
            b.build().ok().map(Arc::new)
        } else {
            None
        }
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
        let matchers: Arc<[Arc<Gitignore>]> = match Self::own_matcher(dir) {
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
        let canon;
        let path = if self.given == self.root {
            path
        } else {
            canon = canon_under(&self.root, &self.given, path);
            &canon
        };
        let Some(dir) = path.parent().filter(|d| d.starts_with(&self.root)) else {
            return false;
        };
        let folder = match cache {
            Some(f) if f.path == dir => Arc::clone(f),
            _ => {
                let f = self.folder(dir);
                *cache = Some(Arc::clone(&f));
                f
            }
        };
        folder.ignored || Self::decide(&folder.matchers, path, is_dir)
    }
}
