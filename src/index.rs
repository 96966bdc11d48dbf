//! The project index: every parsed file with its facts, and the scopes in which one process sees
//! values together.
//!
//! A scope is an ordered list of assignments, lowest precedence first; its *effective* view keeps,
//! for each name, the definition the process ends up with. Dotenv stacks are built here; a later
//! front end (workflow job, compose service, Dockerfile stage) adds scopes of its own and every
//! scope check runs on them unchanged.

use std::collections::{BTreeMap, HashMap};

use crate::catalog::{Catalog, Confidence, HostClass};
use crate::classify::{DotenvRole, FileKind};
use crate::facts::{Assignment, FileFacts, ValueSource};
use crate::roles::{self, AssignInfo, NameRole};
use crate::source::SourceFile;

#[derive(Debug)]
pub struct IndexedFile {
    pub source: SourceFile,
    pub kind: FileKind,
    pub facts: FileFacts,
    pub info: Vec<AssignInfo>,
    /// Committed: tracked in git's index, or, outside a repository or when untracked, not
    /// excluded by any `.gitignore` (it will be). Under `--staged`, tracked only.
    pub committed: bool,
    /// How git sees the file ([`crate::git`]).
    pub tracking: crate::git::Tracking,
    /// A `.gitignore` lists it (for a tracked file git ignores that: it is committed anyway).
    pub gitignored: bool,
    /// Where it was read from (for `--fix` and re-reading released text); `None` for
    /// in-memory files.
    pub disk: Option<std::sync::Arc<Disk>>,
}

/// Where files of one walk live on disk, shared by all of them (a path per file would cost a
/// hundred bytes each in a large monorepo).
#[derive(Debug)]
pub enum Disk {
    /// `dir` joined with the relative path after the first `prefix_len` bytes (the multi-root
    /// prefix)
    Under {
        dir: std::path::PathBuf,
        prefix_len: usize,
    },
    /// a symlink resolved inside the root: its target
    At(std::path::PathBuf),
}

impl IndexedFile {
    /// " (tracked although .gitignore lists it)" for a file `.gitignore` lists that git tracks
    /// anyway (committed before the pattern, or force-added), else "": checks add it to what
    /// they say about a committed file.
    pub fn committed_note(&self) -> &'static str {
        if self.tracking == crate::git::Tracking::Tracked && self.gitignored {
            " (tracked although .gitignore lists it)"
        } else {
            ""
        }
    }

    /// The file's path on disk, if it was read from one.
    pub fn disk_path(&self) -> Option<std::path::PathBuf> {
        match self.disk.as_deref()? {
            Disk::Under { dir, prefix_len } => {
                Some(dir.join(self.source.rel_path.get(*prefix_len..)?))
            }
            Disk::At(p) => Some(p.clone()),
        }
    }
}

impl IndexedFile {
    /// Source files whose facts give checks nothing to quote (only env reads, or nothing) do not
    /// keep their text in memory: a large monorepo has hundreds of thousands of them. Files a
    /// finding points at are re-read before rendering ([`ProjectIndex::restore`]).
    pub fn release(&mut self) {
        if self.disk.is_some() && releasable(&self.kind, &self.facts, &self.source.text) {
            self.source.drop_text();
        }
    }

    /// `set NAME=value` for env files, `set `field` to value` where the name is a field.
    pub fn set_hint(&self, a: &crate::facts::Assignment, value: &str) -> String {
        let w = self.written_name(a);
        if w == a.name {
            format!("set {w}={value}")
        } else {
            format!("set `{w}` to {value}")
        }
    }

    /// The name as written in this file: `OPENAI_API_KEY` in a `.env`, the field `base_url` in
    /// a settings file or `baseURL` in an SDK call whose slot is named `OPENAI_BASE_URL`.
    pub fn written_name(&self, a: &crate::facts::Assignment) -> String {
        let raw = self.source.text.get(a.name_span.range()).unwrap_or("");
        let w = raw.trim().trim_matches(['"', '\'']);
        if w.is_empty()
            || w == a.name
            || !matches!(self.kind, FileKind::Settings | FileKind::Source)
        {
            a.name.clone()
        } else {
            w.to_string()
        }
    }
    pub fn is_example(&self) -> bool {
        matches!(self.kind, FileKind::Dotenv(DotenvRole::Example))
    }
}

/// One assignment: (file index, assignment index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ARef {
    pub file: usize,
    pub idx: usize,
}

#[derive(Debug)]
pub struct Scope {
    /// Human label, e.g. `.env stack (production)`.
    pub label: String,
    /// Lowest precedence first.
    pub members: Vec<ARef>,
}

#[derive(Debug, Default)]
pub struct ProjectIndex {
    pub files: Vec<IndexedFile>,
    pub scopes: Vec<Scope>,
    /// names some file sets to a non-empty value, built on first use
    set_names: std::sync::OnceLock<std::collections::HashSet<String>>,
    /// Dockerfile path -> build context, from every compose `build:`, built on first use
    compose_contexts: std::sync::OnceLock<HashMap<String, String>>,
    /// env files (any dotenv kind) per folder, for checks that ask "which env files sit beside
    /// this file"
    dotenv_dirs: std::sync::OnceLock<HashMap<String, Vec<usize>>>,
}

impl ProjectIndex {
    pub fn new(mut files: Vec<IndexedFile>) -> Self {
        sort_by_path(&mut files);
        let mut index = ProjectIndex {
            files,
            scopes: Vec::new(),
            set_names: std::sync::OnceLock::new(),
            compose_contexts: std::sync::OnceLock::new(),
            dotenv_dirs: std::sync::OnceLock::new(),
        };
        index.scopes = dotenv_scopes(&index.files);
        index.scopes.extend(compose_scopes(&index.files));
        // scopes a front end declared inside one file (a workflow job's merged env)
        for (fi, f) in index.files.iter().enumerate() {
            for s in &f.facts.scopes {
                index.scopes.push(Scope {
                    label: format!("{}: {}", f.source.rel_path, s.label),
                    members: s
                        .members
                        .iter()
                        .map(|&idx| ARef { file: fi, idx })
                        .collect(),
                });
            }
        }
        index
    }

    pub fn assignment(&self, r: ARef) -> &Assignment {
        &self.files[r.file].facts.assignments[r.idx]
    }

    pub fn info(&self, r: ARef) -> &AssignInfo {
        &self.files[r.file].info[r.idx]
    }

    /// Re-reads the released files among `files` (at most `cap` bytes each, decoded as the walk
    /// decoded them); returns those that are gone or changed since (their text stays dropped).
    pub fn restore(&mut self, files: impl IntoIterator<Item = usize>, cap: u64) -> Vec<usize> {
        let mut changed = Vec::new();
        for i in files {
            let Some(f) = self.files.get_mut(i) else {
                continue;
            };
            if !f.source.is_dropped() {
                continue;
            }
            let text = f
                .disk_path()
                .and_then(|p| crate::fsread::reread(&p, &f.kind, cap));
            if !text.is_some_and(|t| f.source.restore(t)) {
                changed.push(i);
            }
        }
        changed
    }

    /// Does any file set `name` to a non-empty value? (One pass over the index, on first use.)
    pub fn is_set_anywhere(&self, name: &str) -> bool {
        self.set_names
            .get_or_init(|| {
                self.files
                    .iter()
                    .flat_map(|f| &f.facts.assignments)
                    .filter(|a| !a.value.expose().is_empty())
                    .map(|a| a.name.clone())
                    .collect()
            })
            .contains(name)
    }

    /// The build context a compose file's `build:` gives the Dockerfile at `dockerfile` (the
    /// first compose file in path order that names it), if any. One pass over the index on
    /// first use, instead of one per Dockerfile.
    pub fn compose_context(&self, dockerfile: &str) -> Option<&str> {
        self.compose_contexts
            .get_or_init(|| {
                let mut map = HashMap::new();
                for f in &self.files {
                    let Some(c) = f.facts.compose() else { continue };
                    let cdir = parent_dir(&f.source.rel_path);
                    for b in c.services.iter().filter_map(|s| s.build.as_ref()) {
                        let ctx = join_path(cdir, &b.context);
                        let df = join_path(&ctx, b.dockerfile.as_deref().unwrap_or("Dockerfile"));
                        map.entry(df).or_insert(ctx);
                    }
                }
                map
            })
            .get(dockerfile)
            .map(String::as_str)
    }

    /// The env files (of any dotenv role) directly in folder `dir` (relative, no trailing `/`),
    /// in path order. One pass over the index on first use, instead of one per question.
    pub fn dotenv_in(&self, dir: &str) -> &[usize] {
        self.dotenv_dirs
            .get_or_init(|| {
                let mut map: HashMap<String, Vec<usize>> = HashMap::new();
                for (i, f) in self.files.iter().enumerate() {
                    if matches!(f.kind, FileKind::Dotenv(_)) {
                        map.entry(parent_dir(&f.source.rel_path).to_string())
                            .or_default()
                            .push(i);
                    }
                }
                map
            })
            .get(dir)
            .map_or(&[], Vec::as_slice)
    }

    /// The files under folder `dir` (relative, no trailing `/`; empty for all), as a range of
    /// `files`: sorted paths put a folder's files side by side, so this is two binary searches.
    pub fn under(&self, dir: &str) -> std::ops::Range<usize> {
        if dir.is_empty() {
            return 0..self.files.len();
        }
        let prefix = format!("{dir}/");
        let start = self
            .files
            .partition_point(|f| f.source.rel_path.as_str() < prefix.as_str());
        let len = self.files[start..].partition_point(|f| f.source.rel_path.starts_with(&prefix));
        start..start + len
    }

    pub fn abs_path(&self, file: usize) -> Option<std::path::PathBuf> {
        self.files.get(file)?.disk_path()
    }

    pub fn file(&self, r: ARef) -> &IndexedFile {
        &self.files[r.file]
    }
}

/// Would a file of this kind with these facts have nothing for a snippet unless a finding
/// points at it? (See [`IndexedFile::release`].)
pub fn releasable(kind: &FileKind, facts: &FileFacts, text: &str) -> bool {
    if *kind != FileKind::Source
        || !facts.parse_issues.is_empty()
        || memchr::memmem::find(text.as_bytes(), b"keylint:").is_some()
    {
        return false;
    }
    facts.code().is_some_and(|c| {
        c.sdk_calls.is_empty()
            && c.logs.is_empty()
            && c.headers.is_empty()
            && c.key_literals.is_empty()
            && c.bundle_leaks.is_empty()
            // stale-key-pattern reads the lines around a key-shape regex
            && c.key_patterns.is_empty()
            // retired-model reads the text around a retired id (an env read's default);
            // the other lifecycle uses (an `openai` import in every file) need none
            && !c
                .lifecycle
                .iter()
                .any(|u| matches!(u.what, crate::facts::code::Lifecycle::Model(_)))
    })
}

pub fn index_file(
    catalog: &Catalog,
    source: SourceFile,
    kind: FileKind,
    facts: FileFacts,
    committed: bool,
) -> IndexedFile {
    let info = facts
        .assignments
        .iter()
        .map(|a| roles::assign_info(catalog, a))
        .collect();
    IndexedFile {
        source,
        kind,
        facts,
        info,
        committed,
        tracking: crate::git::Tracking::NoRepo,
        gitignored: !committed,
        disk: None,
    }
}

/// Sorts files by relative path (unique within a walk). The files are large and many, so the
/// sort runs over (path, position) pairs and then moves each file once, instead of moving files
/// at every step of a comparison sort (~180 ms of one core at 170k files).
fn sort_by_path(files: &mut [IndexedFile]) {
    let mut keyed: Vec<(&str, usize)> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.source.rel_path.as_str(), i))
        .collect();
    keyed.sort_unstable();
    let order = keyed.into_iter().map(|(_, i)| i).collect();
    permute(files, order);
}

/// Rearranges `v` so that `v[k]` becomes the old `v[order[k]]` (`order` a permutation of
/// `0..v.len()`), by following the permutation's cycles: one swap per element.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            order[at] = at;
            v.swap(at, from);
            at = from;
        }
        order[at] = at;
    }
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Dotenv layering per folder, the way dotenv-flow and Vite load it (highest precedence last):
/// `.env` < `.env.local` < `.env.<mode>` < `.env.<mode>.local`. Without a mode file there is
/// one stack of `.env` + `.env.local`. Examples and standalone `*.env` files are stacks alone.
fn dotenv_scopes(files: &[IndexedFile]) -> Vec<Scope> {
    let mut by_dir: BTreeMap<&str, Vec<(usize, &DotenvRole)>> = BTreeMap::new();
    let mut scopes = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let FileKind::Dotenv(role) = &f.kind else {
            continue;
        };
        match role {
            DotenvRole::Example | DotenvRole::Standalone => scopes.push(Scope {
                label: f.source.rel_path.clone(),
                members: members(files, &[fi]),
            }),
            _ => by_dir
                .entry(parent_dir(&f.source.rel_path))
                .or_default()
                .push((fi, role)),
        }
    }
    for (dir, entries) in by_dir {
        // the first file of each role, by role: one pass, not one scan of the folder per mode
        let mut first: HashMap<&DotenvRole, usize> = HashMap::with_capacity(entries.len());
        for &(i, r) in &entries {
            first.entry(r).or_insert(i);
        }
        let find = |want: &DotenvRole| first.get(want).copied();
        let base: Vec<usize> = [find(&DotenvRole::Base), find(&DotenvRole::Local)]
            .into_iter()
            .flatten()
            .collect();
        let mut modes: Vec<&str> = entries
            .iter()
            .filter_map(|(_, r)| match r {
                DotenvRole::Mode(m) | DotenvRole::ModeLocal(m) => Some(m.as_str()),
                _ => None,
            })
            .collect();
        modes.sort_unstable();
        modes.dedup();
        let at = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        if modes.is_empty() || !base.is_empty() {
            scopes.push(Scope {
                label: format!("{at}.env stack"),
                members: members(files, &base),
            });
        }
        for mode in modes {
            let mut order = base.clone();
            order.extend(find(&DotenvRole::Mode(mode.to_string())));
            order.extend(find(&DotenvRole::ModeLocal(mode.to_string())));
            scopes.push(Scope {
                label: format!("{at}.env stack ({mode})"),
                members: members(files, &order),
            });
        }
    }
    scopes
}

/// `dir` + `rel` with `.` and `..` resolved, `/`-separated, no leading `./`.
pub fn join_path(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    parts.join("/")
}

impl ProjectIndex {
    /// The file at a project-relative path.
    pub fn find(&self, rel_path: &str) -> Option<usize> {
        self.files
            .binary_search_by(|f| f.source.rel_path.as_str().cmp(rel_path))
            .ok()
    }
}

/// One scope per compose service: its `env_file`s in order, then `environment` (which wins).
fn compose_scopes(files: &[IndexedFile]) -> Vec<Scope> {
    let mut scopes = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let Some(c) = f.facts.compose() else { continue };
        let dir = parent_dir(&f.source.rel_path);
        for svc in &c.services {
            let mut members = Vec::new();
            for ef in &svc.env_files {
                let target = join_path(dir, &ef.path);
                if let Ok(ti) = files.binary_search_by(|x| x.source.rel_path.as_str().cmp(&target))
                {
                    members.extend(self::members(files, &[ti]));
                }
            }
            members.extend(svc.env.iter().map(|&idx| ARef { file: fi, idx }));
            if !members.is_empty() {
                scopes.push(Scope {
                    label: format!("{}: service `{}`", f.source.rel_path, svc.name),
                    members,
                });
            }
        }
    }
    scopes
}

fn members(files: &[IndexedFile], order: &[usize]) -> Vec<ARef> {
    order
        .iter()
        .flat_map(|&file| {
            (0..files[file].facts.assignments.len()).map(move |idx| ARef { file, idx })
        })
        .collect()
}

/// How keylint knows whose key a value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyEvidence {
    /// The literal's shape (optionally confirmed by the name).
    Format,
    /// Only the variable (or referenced variable) name.
    Name(String),
}

#[derive(Debug, Clone)]
pub struct KeyProvider {
    /// Provider indices the key may belong to (one, unless the shape is shared).
    pub candidates: Vec<usize>,
    pub confidence: Confidence,
    pub evidence: KeyEvidence,
}

/// A scope with its effective variables resolved.
pub struct ScopeView<'a> {
    pub index: &'a ProjectIndex,
    pub scope: &'a Scope,
    /// name → winning definition
    pub effective: HashMap<&'a str, ARef>,
    /// winning definitions in precedence-then-file order
    pub winners: Vec<ARef>,
}

impl<'a> ScopeView<'a> {
    pub fn new(index: &'a ProjectIndex, scope: &'a Scope) -> Self {
        let mut effective: HashMap<&str, ARef> = HashMap::new();
        for &r in &scope.members {
            effective.insert(index.assignment(r).name.as_str(), r);
        }
        let mut winners: Vec<ARef> = effective.values().copied().collect();
        winners.sort();
        ScopeView {
            index,
            scope,
            effective,
            winners,
        }
    }

    pub fn info(&self, r: ARef) -> &'a AssignInfo {
        self.index.info(r)
    }

    /// Follows `NAME=${OTHER}` references (a few hops) to the definition that holds the text.
    pub fn resolve(&self, mut r: ARef) -> ARef {
        for _ in 0..4 {
            match &self.index.assignment(r).source {
                ValueSource::EnvRef(other) => match self.effective.get(other.as_str()) {
                    Some(&next) if next != r => r = next,
                    _ => break,
                },
                _ => break,
            }
        }
        r
    }

    /// Winning definitions whose name plays `role` in `group`.
    pub fn in_group(&self, group: &str, role: NameRole) -> impl Iterator<Item = ARef> + '_ {
        let group = group.to_string();
        self.winners.iter().copied().filter(move |&r| {
            let i = &self.index.info(r).name;
            i.role == role && i.group == group
        })
    }

    /// The LLM endpoint a group sends to, if one is set in scope.
    pub fn endpoint_for(&self, catalog: &Catalog, group: &str) -> Option<ARef> {
        self.in_group(group, NameRole::BaseUrl)
            .map(|r| self.resolve(r))
            .find(|&r| roles::is_llm_endpoint(catalog, self.info(r)) || self.info(r).url.is_some())
    }

    /// Whose key is this? The literal's shape first, then the names it went through.
    pub fn key_provider(&self, catalog: &Catalog, r: ARef) -> Option<KeyProvider> {
        let target = self.resolve(r);
        let name_slot = |x: ARef| {
            let n = &self.info(x).name;
            n.slot
                .filter(|&p| !catalog.provider(p).compat_slot && n.role == NameRole::Key)
        };
        let by_name = name_slot(r).or_else(|| name_slot(target)).or_else(|| {
            match &self.index.assignment(r).source {
                ValueSource::EnvRef(other)
                | ValueSource::Secret(other)
                | ValueSource::Var(other) => {
                    let n = roles::name_info(catalog, other);
                    n.slot
                        .filter(|&p| !catalog.provider(p).compat_slot && n.role == NameRole::Key)
                }
                _ => None,
            }
        });
        if let Some(m) = &self.info(target).key {
            let candidates: Vec<usize> = m
                .candidates
                .iter()
                .filter_map(|id| catalog.index_of(id))
                .collect();
            if let Some(p) = by_name.filter(|p| candidates.contains(p)) {
                return Some(KeyProvider {
                    candidates: vec![p],
                    confidence: Confidence::High,
                    evidence: KeyEvidence::Format,
                });
            }
            return Some(KeyProvider {
                confidence: m.confidence,
                candidates,
                evidence: KeyEvidence::Format,
            });
        }
        by_name.map(|p| KeyProvider {
            candidates: vec![p],
            confidence: Confidence::Medium,
            evidence: KeyEvidence::Name(self.index.assignment(r).name.clone()),
        })
    }

    /// Hosts any base URL in this scope points at (to see whether a key's own provider is
    /// configured somewhere, even under another name).
    pub fn configured_providers(&self) -> Vec<usize> {
        self.winners
            .iter()
            .filter_map(|&r| match self.info(self.resolve(r)).host {
                Some(HostClass::Provider(p)) => Some(p),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn permute_matches_indexing(order in Just((0..40usize).collect::<Vec<_>>()).prop_shuffle()) {
            let v: Vec<usize> = (100..140).collect();
            let want: Vec<usize> = order.iter().map(|&i| v[i]).collect();
            let mut got = v.clone();
            super::permute(&mut got, order);
            prop_assert_eq!(got, want);
        }
    }
}
