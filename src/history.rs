//! `keylint history`: key literals in every blob a commit added, read from the git object
//! database with gitoxide (never by spawning git).
//!
//! The walk is built to cost about what reading the history costs:
//! 1. the commits of the range are listed once ([`gix`] rev-walk, hidden tips for `A..B`) and
//!    ordered oldest first (parents before children);
//! 2. each commit's root tree is walked, skipping every tree id already visited: a subtree no
//!    commit changed is never read twice, so a commit costs the trees it changed;
//! 3. a blob is a candidate the first time its id is met (the commit that added it, and the
//!    path it was added at): every later commit holding it costs nothing;
//! 4. candidates are read in parallel (one thread-local repository handle per worker): files
//!    of binary kinds are never read, blobs over the size limit are judged by their header,
//!    and the bytes go through one aho-corasick pass over the catalog's key prefixes before
//!    anything decodes them as text. Dotenv and editor settings files are always parsed (they
//!    are small, and their keys may be prefix-less shapes that only the variable name names);
//! 5. what passes is read by the linter's own recognition: the literal scan of
//!    [`crate::parse::text::scan`] (the literal pass: key formats of the catalog, shared shapes named by context) over
//!    any text, and the front end the path selects ([`crate::classify`] + [`crate::parse`]):
//!    an assignment's value is classified with its name as context, as the linter does.
//!
//! A key is reported once, at the first commit and path that added it, with the number of
//! later blobs that hold it too, and whether HEAD's tree still holds it. Keys are never
//! printed in full: the renderers show [`crate::redact::redact`]'s form only.
//!
//! Hand-written: the tree walk with a global "seen" set is what makes a 20,000-commit history
//! cost seconds (gix's tree diff would compare every commit with its parent instead).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use gix::ObjectId;

use crate::catalog::{Catalog, Confidence, FormatId};
use crate::classify::FileKind;
use crate::error::Fatal;
use crate::redact::SecretStr;

/// What to scan.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// `A..B`, `A...B`, a branch, a commit; `None`: every commit reachable from HEAD
    pub range: Option<String>,
    /// only commits committed at or after this time (seconds since the epoch)
    pub since: Option<i64>,
    /// only commits committed at or before this time
    pub until: Option<i64>,
    pub threads: usize,
    /// blobs larger than this are not read
    pub max_blob_size: u64,
}

/// One key, at the first commit and path that added it.
#[derive(Debug, Clone)]
pub struct HistoryFinding {
    /// full commit id (hex)
    pub commit: String,
    /// author date, `YYYY-MM-DD` in the author's time zone
    pub date: String,
    /// author time, seconds since the epoch
    pub time: i64,
    /// path relative to the repository root
    pub path: String,
    /// 1-based
    pub line: u32,
    /// 1-based, in characters
    pub column: u32,
    pub key: SecretStr,
    /// provider ids that issue this shape, the format's own first
    pub providers: Vec<String>,
    /// display name of the format's provider
    pub provider_name: String,
    /// what kind of key (`project key`, `API key`)
    pub kind: String,
    pub confidence: Confidence,
    /// HEAD's tree still holds the same key string
    pub at_head: bool,
    /// blobs added later (other commits or paths) that hold the same key
    pub later: usize,
}

impl HistoryFinding {
    pub fn short_commit(&self) -> &str {
        self.commit.get(..10).unwrap_or(&self.commit)
    }

    pub fn status(&self) -> &'static str {
        if self.at_head {
            "still at HEAD"
        } else {
            "not at HEAD"
        }
    }
}

/// Everything a history scan produced.
#[derive(Debug, Default)]
pub struct HistoryReport {
    pub findings: Vec<HistoryFinding>,
    /// the range as asked (`HEAD` when none was given)
    pub range: String,
    /// commits in the range (after `--since`/`--until`)
    pub commits: usize,
    /// distinct blobs the commits added
    pub blobs: usize,
    /// blobs read (not skipped by kind or size before reading)
    pub blobs_read: usize,
    /// blobs skipped: binary kind by name, over the size limit, or binary content
    pub blobs_skipped: usize,
    /// problems met on the way (a missing object in a shallow or damaged repository)
    pub notes: Vec<String>,
    pub elapsed: Option<std::time::Duration>,
}

/// A blob first met in the walk: where and by which commit it was added.
struct Candidate {
    blob: ObjectId,
    path: String,
    commit: u32,
}

struct CommitMeta {
    id: ObjectId,
    author_time: gix::date::Time,
}

/// A key found in one candidate blob.
struct Hit {
    cand: u32,
    line: u32,
    column: u32,
    key: SecretStr,
    what: What,
    confidence: Confidence,
}

/// What a found string is: an LLM provider's key format or another issuer's secret
/// (`rules/secrets.toml`: GitHub, Stripe, AWS…).
#[derive(Debug, Clone, Copy)]
enum What {
    Key(FormatId),
    Secret(usize),
}

fn fatal(path: &Path, message: impl Into<String>) -> Fatal {
    Fatal::History(format!(
        "{}: {}",
        crate::redact::display(&path.display().to_string()),
        crate::redact::display(&message.into())
    ))
}

/// Scans the history of the repository at (or above) `path`.
pub fn scan(
    path: &Path,
    opts: &HistoryOptions,
    catalog: &Catalog,
    allowed: &dyn Fn(&str) -> bool,
) -> Result<HistoryReport, Fatal> {
    let mut repo = gix::discover(path).map_err(|e| {
        fatal(
            path,
            format!("not a git repository (or any parent up to the root): {e}"),
        )
    })?;
    with_pack_cache(&mut repo);
    let mut report = HistoryReport {
        range: opts.range.clone().unwrap_or_else(|| "HEAD".to_string()),
        ..HistoryReport::default()
    };
    let head = match repo.head_commit() {
        Ok(c) => Some(c.id),
        Err(_) if opts.range.is_none() => {
            // an empty repository (unborn HEAD) has no history to scan
            if repo.head().is_ok_and(|h| h.is_unborn()) {
                report
                    .notes
                    .push("HEAD has no commit yet: nothing to scan".to_string());
                return Ok(report);
            }
            return Err(fatal(path, "HEAD does not point at a commit"));
        }
        Err(_) => None,
    };
    let (tips, hidden) = resolve_range(&repo, &report.range, path)?;
    let commits = list_commits(&repo, &tips, &hidden, path, &mut report.notes)?;

    // Trees and blobs already in the boundary (the excluded side of `A..B`) are not "added".
    let in_range: HashSet<ObjectId> = commits.iter().map(|c| c.0).collect();
    let mut walker = TreeWalker::default();
    let mut boundary: Vec<ObjectId> = commits
        .iter()
        .flat_map(|(_, parents)| parents.iter().copied())
        .filter(|p| !in_range.contains(p))
        .collect();
    boundary.sort();
    boundary.dedup();
    let mut boundary_trees = Vec::new();
    for b in boundary {
        match repo.find_commit(b).ok().and_then(|c| c.tree_id().ok()) {
            Some(tree) => {
                boundary_trees.push(tree.detach());
                walker.walk(&repo, tree.detach(), None, &mut report.notes);
            }
            None => report.notes.push(format!(
                "commit {} (a parent at the edge of the range) is missing: a shallow clone? Its files count as added",
                &b.to_hex().to_string()[..10]
            )),
        }
    }

    let mut metas: Vec<CommitMeta> = Vec::with_capacity(commits.len());
    for (id, _) in &commits {
        let commit = match repo.find_commit(*id) {
            Ok(c) => c,
            Err(e) => {
                report
                    .notes
                    .push(format!("commit {} cannot be read: {e}", short(id)));
                continue;
            }
        };
        let (Ok(tree), Ok(author)) = (commit.tree_id(), commit.author()) else {
            report
                .notes
                .push(format!("commit {} cannot be decoded", short(id)));
            continue;
        };
        let tree = tree.detach();
        let committed = commit.time().map(|t| t.seconds).unwrap_or(0);
        if opts.until.is_some_and(|u| committed > u) {
            continue;
        }
        if opts.since.is_some_and(|s| committed < s) {
            // older than the window: what it holds was not added in the window
            walker.walk(&repo, tree, None, &mut report.notes);
            continue;
        }
        let author_time = author.time().unwrap_or_default();
        let idx = u32::try_from(metas.len()).unwrap_or(u32::MAX);
        metas.push(CommitMeta {
            id: *id,
            author_time,
        });
        walker.walk(&repo, tree, Some(idx), &mut report.notes);
    }
    report.commits = metas.len();
    let candidates = std::mem::take(&mut walker.candidates);
    report.blobs = candidates.len() + walker.skipped_by_name;
    report.blobs_skipped = walker.skipped_by_name;

    let scanner = Scanner::new(catalog);
    let sync = repo.clone().into_sync();
    let threads = opts.threads.max(1);
    let next = AtomicUsize::new(0);
    // work order: every version of one path goes to one worker, in a row, so its delta-base
    // cache holds the bases the versions are deltas of (a path's versions are not split
    // between workers that would each inflate the same bases)
    let mut order: Vec<u32> = (0..u32::try_from(candidates.len()).unwrap_or(u32::MAX)).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&candidates[a as usize], &candidates[b as usize]);
        (&x.path, x.commit).cmp(&(&y.path, y.commit))
    });
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if candidates[order[g.0] as usize].path == candidates[i as usize].path => {
                g.1 = k + 1;
            }
            _ => groups.push((k, k + 1)),
        }
    }
    let results: Vec<(Vec<Hit>, usize, usize, Vec<String>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let sync = &sync;
                let next = &next;
                let candidates = &candidates;
                let order = &order;
                let groups = &groups;
                let scanner = &scanner;
                s.spawn(move || {
                    let mut repo = sync.to_thread_local();
                    with_pack_cache(&mut repo);
                    let mut hits = Vec::new();
                    let (mut read, mut skipped) = (0usize, 0usize);
                    let mut notes = Vec::new();
                    let mut mine = Vec::new();
                    loop {
                        if mine.is_empty() {
                            let g = next.fetch_add(1, Ordering::Relaxed);
                            let Some(&(from, to)) = groups.get(g) else {
                                break;
                            };
                            mine.extend(order[from..to].iter().rev().copied());
                        }
                        let Some(i) = mine.pop() else { break };
                        let i = i as usize;
                        let c = &candidates[i];
                        match crate::git::read_blob(&repo, c.blob, opts.max_blob_size)
                            .map(Result::ok)
                        {
                            Ok(Some(data)) => {
                                read += 1;
                                let cand = u32::try_from(i).unwrap_or(u32::MAX);
                                if !scanner.scan(&c.path, &data, cand, &mut hits) {
                                    skipped += 1;
                                }
                            }
                            Ok(None) => skipped += 1,
                            Err(e) => notes.push(format!(
                                "{}: blob {} cannot be read: {e}",
                                c.path,
                                short(&c.blob)
                            )),
                        }
                    }
                    (hits, read, skipped, notes)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut hits = Vec::new();
    for (h, read, skipped, notes) in results {
        hits.extend(h);
        report.blobs_read += read;
        report.blobs_skipped += skipped;
        report.notes.extend(notes);
    }
    hits.retain(|h| !allowed(h.key.expose()));
    if !boundary_trees.is_empty() {
        drop_known_at_boundary(&repo, &boundary_trees, &candidates, &mut hits, opts);
    }
    // oldest commit first; within a commit by path and position
    hits.sort_by(|a, b| {
        let (ca, cb) = (&candidates[a.cand as usize], &candidates[b.cand as usize]);
        (ca.commit, &ca.path, a.line, a.column).cmp(&(cb.commit, &cb.path, b.line, b.column))
    });

    // one finding per key string: the first place, then a count
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    let mut firsts: Vec<(&Hit, usize, HashSet<ObjectId>)> = Vec::new();
    for h in &hits {
        let blob = candidates[h.cand as usize].blob;
        match by_key.get(h.key.expose()) {
            Some(&i) => {
                let f = &mut firsts[i];
                if f.2.insert(blob) {
                    f.1 += 1;
                }
            }
            None => {
                by_key.insert(h.key.expose(), firsts.len());
                firsts.push((h, 0, HashSet::from([blob])));
            }
        }
    }
    let mut at_head = vec![false; firsts.len()];
    if !firsts.is_empty()
        && let Some(head) = head
    {
        mark_at_head(
            &repo,
            head,
            &firsts,
            &by_key,
            opts,
            &mut at_head,
            &mut report.notes,
        );
    }
    for ((h, later, _), at_head) in firsts.iter().zip(at_head) {
        let c = &candidates[h.cand as usize];
        let m = &metas[c.commit as usize];
        let (providers, provider_name, kind) = match h.what {
            What::Key(format) => {
                let f = catalog.format(format);
                let p = catalog.provider(format.provider);
                let mut providers = vec![p.id.clone()];
                providers.extend(f.shared_with.iter().cloned());
                (providers, p.name.clone(), f.kind.clone())
            }
            What::Secret(i) => {
                let sec = &catalog.secrets[i];
                (vec![sec.id.clone()], sec.issuer.clone(), sec.kind.clone())
            }
        };
        report.findings.push(HistoryFinding {
            commit: m.id.to_hex().to_string(),
            date: m.author_time.format_or_unix(gix::date::time::format::SHORT),
            time: m.author_time.seconds,
            path: c.path.clone(),
            line: h.line,
            column: h.column,
            key: h.key.clone(),
            providers,
            provider_name,
            kind,
            confidence: h.confidence,
            at_head,
            later: *later,
        });
    }
    report.notes.sort();
    report.notes.dedup();
    Ok(report)
}

/// A delta-base cache for pack reads (gix sets none without its `max-performance` feature,
/// which would pull in zlib-ng and more): versions of one file are deltas of each other, and
/// reading them in a row (see the work order in [`scan`]) then inflates each base once.
fn with_pack_cache(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::new(
            64 * 1024 * 1024,
        ))
    });
}

fn short(id: &gix::oid) -> String {
    id.to_hex_with_len(10).to_string()
}

/// The commits to include and to hide for a rev-spec.
fn resolve_range(
    repo: &gix::Repository,
    range: &str,
    path: &Path,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>), Fatal> {
    use gix::revision::plumbing::Spec;
    let bad = |e: String| {
        fatal(
            path,
            format!("bad revision range `{range}`: {e} (use a commit, a branch, or A..B)"),
        )
    };
    let spec = repo
        .rev_parse(range)
        .map_err(|e| bad(e.to_string()))?
        .detach();
    let peel = |id: ObjectId| -> Result<ObjectId, Fatal> {
        repo.find_object(id)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id)
            .map_err(|e| bad(format!("{} is not a commit: {e}", short(&id))))
    };
    match spec {
        Spec::Include(id) => Ok((vec![peel(id)?], Vec::new())),
        Spec::Range { from, to } => Ok((vec![peel(to)?], vec![peel(from)?])),
        Spec::Merge { theirs, ours } => {
            let (a, b) = (peel(theirs)?, peel(ours)?);
            let base = repo
                .merge_base(a, b)
                .ok()
                .flatten()
                .map(|id| id.detach())
                .into_iter()
                .collect();
            Ok((vec![a, b], base))
        }
        _ => Err(bad(
            "this kind of range selects no commits to scan".to_string()
        )),
    }
}

/// The commits of the range, parents before children.
fn list_commits(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
    path: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<(ObjectId, Vec<ObjectId>)>, Fatal> {
    let walk = repo
        .rev_walk(tips.iter().copied())
        .with_hidden(hidden.iter().copied())
        .all()
        .map_err(|e| fatal(path, format!("cannot walk the history: {e}")))?;
    let mut list: Vec<(ObjectId, Vec<ObjectId>)> = Vec::new();
    for info in walk {
        match info {
            Ok(info) => list.push((info.id, info.parent_ids.iter().copied().collect())),
            Err(e) => {
                // a damaged or shallow repository: keep what was walked
                notes.push(format!("the history walk stopped early: {e}"));
                break;
            }
        }
    }
    // topological order, oldest first: a depth-first walk from each tip that emits a commit
    // after its parents (iterative: a 100,000-commit chain must not overflow the stack)
    let index: HashMap<ObjectId, usize> = list.iter().enumerate().map(|(i, c)| (c.0, i)).collect();
    let mut state = vec![0u8; list.len()]; // 0 new, 1 open, 2 done
    let mut order = Vec::with_capacity(list.len());
    let mut roots: Vec<usize> = (0..list.len()).collect();
    roots.reverse();
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (i, ref mut next)) = stack.last_mut() {
            let parents = &list[i].1;
            if let Some(p) = parents.get(*next) {
                *next += 1;
                if let Some(&j) = index.get(p)
                    && state[j] == 0
                {
                    state[j] = 1;
                    stack.push((j, 0));
                }
            } else {
                state[i] = 2;
                order.push(i);
                stack.pop();
            }
        }
    }
    let mut slots: Vec<Option<(ObjectId, Vec<ObjectId>)>> = list.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// Walks trees once each, recording each blob the first time it is met.
#[derive(Default)]
struct TreeWalker {
    trees: HashSet<ObjectId>,
    blobs: HashSet<ObjectId>,
    candidates: Vec<Candidate>,
    skipped_by_name: usize,
}

impl TreeWalker {
    /// `commit`: `None` marks what the tree holds as seen without recording it.
    fn walk(
        &mut self,
        repo: &gix::Repository,
        root: ObjectId,
        commit: Option<u32>,
        notes: &mut Vec<String>,
    ) {
        if !self.trees.insert(root) {
            return;
        }
        let mut stack: Vec<(ObjectId, String)> = vec![(root, String::new())];
        while let Some((id, prefix)) = stack.pop() {
            let tree = match repo.find_tree(id) {
                Ok(t) => t,
                Err(e) => {
                    notes.push(format!(
                        "tree {} under `{}` cannot be read: {e}",
                        short(&id),
                        if prefix.is_empty() { "/" } else { &prefix }
                    ));
                    continue;
                }
            };
            for entry in tree.iter() {
                let Ok(entry) = entry else {
                    notes.push(format!("tree {} is damaged", short(&id)));
                    break;
                };
                let mode = entry.mode();
                let name = String::from_utf8_lossy(entry.filename());
                let oid = entry.oid().to_owned();
                if mode.is_tree() {
                    if self.trees.insert(oid) {
                        stack.push((oid, format!("{prefix}{name}/")));
                    }
                } else if mode.is_blob() && self.blobs.insert(oid) {
                    let Some(commit) = commit else { continue };
                    let path = format!("{prefix}{name}");
                    if crate::classify::binary_name(&path) {
                        self.skipped_by_name += 1;
                        continue;
                    }
                    self.candidates.push(Candidate {
                        blob: oid,
                        path,
                        commit,
                    });
                }
                // symlinks hold a path, submodules a commit id: neither holds a key
            }
        }
    }
}

/// The linter's key recognition, over one blob.
struct Scanner<'c> {
    catalog: &'c Catalog,
    prefilter: aho_corasick::AhoCorasick,
}

impl<'c> Scanner<'c> {
    fn new(catalog: &'c Catalog) -> Self {
        // every literal prefix of a key format, and `sk-` for the prefix-less `sk-…` shapes
        // that a variable name names (DeepSeek, Moonshot)
        let mut pats = catalog.key_prefixes();
        pats.push("sk-".to_string());
        pats.sort();
        pats.dedup();
        Scanner {
            catalog,
            prefilter: aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(&pats)
                .expect("internal error: key prefixes"),
        }
    }

    /// Pushes the keys found in one blob; `false` when it was skipped as binary.
    fn scan(&self, path: &str, data: &[u8], cand: u32, out: &mut Vec<Hit>) -> bool {
        let kind = crate::classify::classify(path);
        // dotenv and settings files name prefix-less keys by their variable: always parsed
        let always = matches!(kind, Some(FileKind::Dotenv(_) | FileKind::Settings));
        if !always && !self.prefilter.is_match(data) {
            return true;
        }
        let as_kind = kind.clone().unwrap_or(FileKind::Source);
        let text = match crate::fsread::decode(data, &as_kind) {
            Ok(d) => d.text,
            Err((crate::walk::SkipReason::Binary, _)) => return false,
            // keys are ASCII: a stray invalid byte does not hide them
            Err(_) => std::borrow::Cow::Owned(String::from_utf8_lossy(data).into_owned()),
        };
        let mut found: Vec<(usize, usize, String, What, Confidence)> = Vec::new();
        let token = |t: crate::catalog::Token| match t {
            crate::catalog::Token::Key(m) => (What::Key(m.format), m.confidence),
            crate::catalog::Token::Secret(m) => (What::Secret(m.secret), m.confidence),
        };
        for lit in crate::parse::text::scan(&text, self.catalog) {
            if let Some((what, confidence)) = self.catalog.classify_literal_token(&lit).map(token) {
                found.push((
                    lit.span.start as usize,
                    lit.span.end as usize,
                    lit.value.expose().to_string(),
                    what,
                    confidence,
                ));
            }
        }
        if let Some(kind) = &kind
            && matches!(
                kind,
                FileKind::Source
                    | FileKind::Dotenv(_)
                    | FileKind::Settings
                    | FileKind::Compose
                    | FileKind::Workflow
                    | FileKind::Action
                    | FileKind::Dockerfile
            )
        {
            let facts = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::parse::parse(kind, path, &text, self.catalog)
            }));
            if let Ok(facts) = facts {
                for a in &facts.assignments {
                    let Some(v) = a.literal() else { continue };
                    let info = crate::roles::assign_info(self.catalog, a);
                    let what = match (info.key, info.secret) {
                        (Some(m), _) => Some((What::Key(m.format), m.confidence)),
                        (None, Some(m)) => Some((What::Secret(m.secret), m.confidence)),
                        (None, None) => None,
                    };
                    if let Some((what, confidence)) = what {
                        let (s, e) = trimmed_span(v, a.value_span);
                        found.push((s, e, v.trim().to_string(), what, confidence));
                    }
                }
                if let crate::facts::Outline::Code(code) = &facts.outline {
                    for lit in &code.key_literals {
                        let v = lit.value.expose();
                        if let Some((what, confidence)) = self.catalog.classify_token(v).map(token)
                        {
                            found.push((
                                lit.span.start as usize,
                                lit.span.end as usize,
                                v.to_string(),
                                what,
                                confidence,
                            ));
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            return true;
        }
        // one hit per place: the most confident reading (a name raises a shape's confidence)
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.4.cmp(&a.4)));
        found.dedup_by(|b, a| a.0 == b.0);
        let lines = LineIndex::new(&text);
        for (start, end, value, what, confidence) in found {
            if !crate::values::looks_live(&value) {
                continue;
            }
            let span = crate::source::Span::new(start, end);
            if self
                .catalog
                .public_by_context(&value, &text, span)
                .is_some()
                && confidence < Confidence::High
            {
                continue;
            }
            let (line, column) = lines.position(&text, start);
            out.push(Hit {
                cand,
                line,
                column,
                key: SecretStr::new(value),
                what,
                confidence,
            });
        }
        true
    }
}

/// The span of `value` inside `span` once surrounding spaces are trimmed.
fn trimmed_span(value: &str, span: crate::source::Span) -> (usize, usize) {
    let lead = value.len() - value.trim_start().len();
    let start = span.start as usize + lead;
    (start, start + value.trim().len())
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|p| p + 1));
        LineIndex { starts }
    }

    /// 1-based line and character column of a byte offset.
    fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let from = self.starts[line - 1];
        let col = text
            .get(from..offset)
            .map_or(offset - from, |s| s.chars().count())
            + 1;
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }
}

/// In a range (`main..HEAD`), a key the file already held at the range's edge was not added
/// by it: an edited file keeps its old lines. Each hit's path is looked up in the boundary
/// commits' trees, and the key searched in the blob there.
fn drop_known_at_boundary(
    repo: &gix::Repository,
    trees: &[ObjectId],
    candidates: &[Candidate],
    hits: &mut Vec<Hit>,
    opts: &HistoryOptions,
) {
    let trees: Vec<gix::Tree<'_>> = trees
        .iter()
        .filter_map(|t| repo.find_tree(*t).ok())
        .collect();
    let mut before: HashMap<&str, Vec<Vec<u8>>> = HashMap::new();
    hits.retain(|h| {
        let path = candidates[h.cand as usize].path.as_str();
        let blobs = before.entry(path).or_insert_with(|| {
            trees
                .iter()
                .filter_map(|t| t.lookup_entry_by_path(path).ok().flatten())
                .filter(|e| e.mode().is_blob())
                .filter_map(|e| {
                    crate::git::read_blob(repo, e.object_id(), opts.max_blob_size)
                        .map(Result::ok)
                        .ok()
                        .flatten()
                })
                .collect()
        });
        let key = h.key.expose().as_bytes();
        !blobs.iter().any(|b| memchr::memmem::find(b, key).is_some())
    });
}

/// Marks the findings whose key HEAD's tree still holds: a blob of HEAD that holds a found
/// key (known from the scan, or searched for the found keys when the scan did not read it).
fn mark_at_head(
    repo: &gix::Repository,
    head: ObjectId,
    firsts: &[(&Hit, usize, HashSet<ObjectId>)],
    by_key: &HashMap<&str, usize>,
    opts: &HistoryOptions,
    at_head: &mut [bool],
    notes: &mut Vec<String>,
) {
    let Some(tree) = repo
        .find_commit(head)
        .ok()
        .and_then(|c| c.tree_id().ok())
        .map(|t| t.detach())
    else {
        notes.push("HEAD's tree cannot be read: every key is reported as not at HEAD".into());
        return;
    };
    let mut walker = TreeWalker::default();
    walker.walk(repo, tree, Some(0), notes);
    let head_blobs: HashSet<ObjectId> = walker.candidates.iter().map(|c| c.blob).collect();
    // a blob known to hold a key
    let mut known: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    for (i, f) in firsts.iter().enumerate() {
        for b in &f.2 {
            known.entry(*b).or_default().push(i);
        }
    }
    for b in &head_blobs {
        if let Some(is) = known.get(b) {
            for &i in is {
                at_head[i] = true;
            }
        }
    }
    if at_head.iter().all(|&b| b) {
        return;
    }
    // the other blobs of HEAD (not added in the range, or holding the key unrecognised)
    let keys: Vec<&str> = firsts.iter().map(|f| f.0.key.expose()).collect();
    let Ok(ac) = aho_corasick::AhoCorasick::new(&keys) else {
        return;
    };
    for c in &walker.candidates {
        if known.contains_key(&c.blob) {
            continue;
        }
        let Ok(Some(data)) =
            crate::git::read_blob(repo, c.blob, opts.max_blob_size).map(Result::ok)
        else {
            continue;
        };
        for m in ac.find_overlapping_iter(&data) {
            if let Some(&i) = by_key.get(keys[m.pattern().as_usize()]) {
                at_head[i] = true;
            }
        }
    }
}

/// Parses a `--since`/`--until` date the way git does (`2024-01-31`, ISO 8601, RFC 2822,
/// `2 weeks ago`, `@<seconds>`).
pub fn parse_date(input: &str) -> Result<i64, Fatal> {
    gix::date::parse(input, Some(gix::date::Zoned::now()))
        .map(|t| t.seconds)
        .map_err(|e| {
            Fatal::History(format!(
                "cannot read the date `{}`: {e} (try 2024-01-31 or \"2 weeks ago\")",
                crate::redact::display(input)
            ))
        })
}

/// The repository folder for a `history` run: `path`, or the current folder.
pub fn root(path: Option<&Path>) -> PathBuf {
    path.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_names() {
        assert!(crate::classify::binary_name("a/b/logo.PNG"));
        assert!(crate::classify::binary_name("x.tar.gz"));
        assert!(!crate::classify::binary_name(".env"));
        assert!(!crate::classify::binary_name("src/main.rs"));
        assert!(!crate::classify::binary_name("Makefile"));
    }

    #[test]
    fn positions() {
        let t = "ab\ncdé\nfg";
        let l = LineIndex::new(t);
        assert_eq!(l.position(t, 0), (1, 1));
        assert_eq!(l.position(t, 3), (2, 1));
        assert_eq!(l.position(t, 7), (2, 4));
        assert_eq!(l.position(t, 8), (3, 1));
    }
}
