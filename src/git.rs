//! Git facts from the repository itself: which files are tracked (the index), which are staged
//! (the index against `HEAD`'s tree), and the staged text of a file (its blob).
//!
//! Read with gitoxide (`gix`), never by spawning git: the pre-commit hook must not depend on the
//! user's git or `PATH`, and the answers come from the same index git commits from. Worktrees
//! (a `.git` file) and checked-out submodules (their own index, found from the superproject's
//! gitlink entries) are followed.
//!
//! "Committed" is then a fact, not a guess from `.gitignore` patterns: a `.env` committed before
//! `.env` was added to `.gitignore`, or force-added with `git add -f`, is tracked, and git ignores
//! `.gitignore` for tracked files. Outside a git repository the walker falls back to reading
//! `.gitignore` ([`crate::walk::GitignoreChain`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gix::bstr::{BStr, ByteSlice};

/// How git sees one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tracking {
    /// not inside a git repository (or its index could not be read): `.gitignore` decides
    #[default]
    NoRepo,
    /// in the index: committed, whatever `.gitignore` says
    Tracked,
    /// not in the index and listed by `.gitignore`: stays local
    UntrackedIgnored,
    /// not in the index and not ignored: `git add .` would commit it
    Untracked,
}

/// The index of one repository (and of its checked-out submodules).
pub struct GitView {
    /// the working tree's top level, canonical
    workdir: PathBuf,
    index: gix::worktree::Index,
    /// checked-out submodules: (path relative to `workdir` with a trailing `/`, their view)
    subs: Vec<(String, GitView)>,
    repo: gix::ThreadSafeRepository,
}

impl std::fmt::Debug for GitView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitView")
            .field("workdir", &self.workdir)
            .field("entries", &self.index.entries().len())
            .field("submodules", &self.subs.len())
            .finish()
    }
}

/// Why the git view of a folder could not be built.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("not inside a git repository")]
    NotARepository,
    #[error("the repository is bare: it has no working tree to lint")]
    Bare,
    #[error("cannot read the git repository at {path}: {message}")]
    Read { path: String, message: String },
}

fn read_err(path: &Path, e: impl std::fmt::Display) -> GitError {
    GitError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

impl GitView {
    /// The repository `dir` (a folder, canonical) is in, if any.
    pub fn discover(dir: &Path) -> Result<GitView, GitError> {
        let repo = match gix::discover(dir) {
            Ok(r) => r,
            Err(_) => return Err(GitError::NotARepository),
        };
        Self::from_repo(repo, 0)
    }

    fn from_repo(repo: gix::Repository, depth: usize) -> Result<GitView, GitError> {
        let Some(workdir) = repo.workdir() else {
            return Err(GitError::Bare);
        };
        let workdir = workdir.canonicalize().map_err(|e| read_err(workdir, e))?;
        let index = repo.index_or_empty().map_err(|e| read_err(&workdir, e))?;
        let mut subs = Vec::new();
        // submodules nest rarely and shallowly; a cycle of gitlinks cannot recurse forever
        if depth < 8 {
            for e in index.entries() {
                if e.mode != gix::index::entry::Mode::COMMIT {
                    continue;
                }
                let rel = e.path(&index).to_str_lossy().into_owned();
                let dir = workdir.join(&rel);
                if !dir.join(".git").exists() {
                    continue;
                }
                if let Ok(sub) = gix::open(&dir)
                    && let Ok(view) = Self::from_repo(sub, depth + 1)
                    // a submodule's work tree is where the superproject says
                    && view.workdir == dir.canonicalize().unwrap_or_default()
                {
                    subs.push((format!("{rel}/"), view));
                }
            }
        }
        Ok(GitView {
            workdir,
            index,
            subs,
            repo: repo.into_sync(),
        })
    }

    /// The working tree's top level (canonical).
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// Number of index entries (submodules' included).
    pub fn entries(&self) -> usize {
        self.index.entries().len() + self.subs.iter().map(|(_, s)| s.entries()).sum::<usize>()
    }

    /// `dir` (canonical) relative to the top level, `/`-separated with a trailing `/` ("" for
    /// the top level itself); `None` outside the working tree.
    pub fn prefix_of(&self, dir: &Path) -> Option<String> {
        let rel = dir.strip_prefix(&self.workdir).ok()?;
        let mut s = String::new();
        for c in rel.components() {
            s.push_str(c.as_os_str().to_str()?);
            s.push('/');
        }
        Some(s)
    }

    /// The view that owns `rel` (a path relative to the top level) and `rel` inside it.
    fn owner<'a, 'b>(&'a self, rel: &'b str) -> (&'a GitView, &'b str) {
        for (prefix, sub) in &self.subs {
            if let Some(inner) = rel.strip_prefix(prefix.as_str()) {
                return sub.owner(inner);
            }
        }
        (self, rel)
    }

    /// Is the file at `rel` (relative to the top level) in the index?
    pub fn is_tracked(&self, rel: &str) -> bool {
        let (view, rel) = self.owner(rel);
        view.index
            .entry_by_path(BStr::new(rel))
            .is_some_and(|e| e.mode != gix::index::entry::Mode::COMMIT)
    }

    /// Does the index hold any file under the folder `rel` (relative to the top level, no
    /// trailing `/`)? An ignored folder with a tracked file in it must still be walked.
    pub fn has_tracked_under(&self, rel: &str) -> bool {
        let (view, rel) = self.owner(rel);
        if rel.is_empty() {
            return !view.index.entries().is_empty();
        }
        let prefix = format!("{rel}/");
        view.index
            .prefixed_entries_range(BStr::new(&prefix))
            .is_some_and(|r| !r.is_empty())
    }

    /// Tracked files (relative to the top level) under `prefix` (as [`prefix_of`] gives it),
    /// with their blob ids; symlinks and submodule entries are left out. Only this repository's
    /// own index: a submodule's files are committed in the submodule.
    ///
    /// [`prefix_of`]: GitView::prefix_of
    pub fn tracked_under(&self, prefix: &str) -> Vec<(String, gix::ObjectId)> {
        let entries = self.index.entries();
        let range = if prefix.is_empty() {
            0..entries.len()
        } else {
            match self.index.prefixed_entries_range(BStr::new(prefix)) {
                Some(r) => r,
                None => return Vec::new(),
            }
        };
        entries[range]
            .iter()
            .filter(|e| {
                e.stage_raw() == 0
                    && (e.mode == gix::index::entry::Mode::FILE
                        || e.mode == gix::index::entry::Mode::FILE_EXECUTABLE)
            })
            .map(|e| (e.path(&self.index).to_str_lossy().into_owned(), e.id))
            .collect()
    }

    /// The staged text of `rel` (relative to the top level): its blob in the index, if the file
    /// is tracked, at most `cap` bytes (`Err(size)` when larger).
    pub fn staged_blob(
        &self,
        repo: &gix::Repository,
        rel: &str,
        cap: u64,
    ) -> Option<Result<Vec<u8>, u64>> {
        let e = self.index.entry_by_path(BStr::new(rel))?;
        if e.mode == gix::index::entry::Mode::COMMIT || e.mode == gix::index::entry::Mode::SYMLINK {
            return None;
        }
        read_blob(repo, e.id, cap).ok()
    }

    /// A repository handle for one thread.
    pub fn repo(&self) -> gix::Repository {
        self.repo.to_thread_local()
    }

    /// Paths (relative to the top level) that differ between `HEAD`'s tree and the index:
    /// added, modified, deleted, type changed. The commit being prepared changes exactly these.
    pub fn staged_paths(&self) -> Result<BTreeSet<String>, GitError> {
        let repo = self.repo();
        let head_tree = repo
            .head_tree_id_or_empty()
            .map_err(|e| read_err(&self.workdir, e))?;
        let head = repo
            .index_from_tree(&head_tree)
            .map_err(|e| read_err(&self.workdir, e))?;
        let path_of =
            |i: &gix::index::File, e: &gix::index::Entry| e.path(i).to_str_lossy().into_owned();
        // both lists are sorted by path then stage: one merge pass
        let (a, b) = (head.entries(), self.index.entries());
        let (mut i, mut j) = (0, 0);
        let mut changed = BTreeSet::new();
        while i < a.len() || j < b.len() {
            let ord = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => x.path(&head).cmp(y.path(&self.index)),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match ord {
                std::cmp::Ordering::Less => {
                    changed.insert(path_of(&head, &a[i]));
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    changed.insert(path_of(&self.index, &b[j]));
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let (x, y) = (&a[i], &b[j]);
                    if x.id != y.id || x.mode != y.mode || y.stage_raw() != 0 {
                        changed.insert(path_of(&self.index, y));
                    }
                    i += 1;
                    j += 1;
                    // conflict stages of the same path
                    while b
                        .get(j)
                        .is_some_and(|n| n.path(&self.index) == y.path(&self.index))
                    {
                        j += 1;
                    }
                }
            }
        }
        Ok(changed)
    }
}

/// A blob's bytes, at most `cap` (`Ok(Err(size))` when larger, judged by its header before it
/// is inflated); `Err` with git's message when it cannot be read (a missing object).
pub fn read_blob(
    repo: &gix::Repository,
    id: gix::ObjectId,
    cap: u64,
) -> Result<Result<Vec<u8>, u64>, String> {
    let header = repo.find_header(id).map_err(|e| e.to_string())?;
    if header.size() > cap {
        return Ok(Err(header.size()));
    }
    let mut blob = repo.find_blob(id).map_err(|e| e.to_string())?;
    Ok(Ok(blob.take_data()))
}
