use foldhash::HashMap;

use crate::checks::undefined_env_read::judged_once;
use crate::classify::FileKind;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles;
use crate::source::Span;

declare_check! {
    /// ## What it does
    /// Finds a variable name that drifted between the configuration and the code, in either
    /// direction, and points at both places:
    /// - code reads a key or base-URL variable the configuration does not set, while a near-miss
    ///   of it is set: same provider and role under another name (`ANTHROPIC_KEY` read,
    ///   `ANTHROPIC_API_KEY` provided), or a name one or two typos away;
    /// - a Dockerfile `ENV`/`ARG`, the `environment:` of a compose service that builds the
    ///   project, or a workflow `env:` sets a name nothing in the repository reads, while the code
    ///   reads a near-miss of it (the same letters and digits, `OPENAI_API_KEY_` or `apikey` for
    ///   `OPENAI_API_KEY` or `API_KEY`, or one or two typos away) that the same place does not
    ///   set. Reported where the name is set.
    ///
    /// Left alone: names SDKs read on their own (catalog names), a set name that anything reads
    /// or writes as a word (a script, a `RUN`, code in another language), two names the code
    /// both reads, numbered keys (`KEY_2`), env passed to a third-party action or to a compose
    /// service that only runs an image, and a service whose `env_file` the repository does
    /// not hold.
    ///
    /// ## Why it breaks
    /// The process has the key under one name and the code asks for the other: it gets nothing,
    /// sends an empty key, and the provider answers `401`.
    ///
    /// ## Example
    /// ```python
    /// # .env.example: ANTHROPIC_API_KEY=
    /// client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_KEY"])
    /// ```
    ///
    /// ```dockerfile
    /// ARG OPENAI_API_KEY
    /// ENV OPENAI_API_KEY_=$OPENAI_API_KEY   # app.py reads os.getenv("OPENAI_API_KEY")
    /// ```
    ///
    /// ## Fix
    /// Use one name: read the name the configuration provides, or rename the variable where it
    /// is set to the name the code reads.
    EnvNameDrift {
        id: "env-name-drift",
        category: MissingRef,
        severity: Warning,
        confidence: Medium,
        summary: "code reads a variable whose near-miss name is the one the configuration sets",
    }
}

fn normal(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase()
}

/// The names the repository's configuration provides, for the checks that compare what code
/// and settings read against them; with the near-miss search over those names.
pub struct ProvidedEnv<'a> {
    /// every name some config sets, and where (file, span) the first one is
    at: HashMap<&'a str, (usize, Span)>,
    /// the near-miss index over the provided names (built on first use)
    names: Option<NearIndex<'a>>,
    /// each read name is judged once: a monorepo reads the same few names in thousands of files
    memo: HashMap<&'a str, Option<&'a str>>,
    /// names only a README documents: known to the project, but not configuration a read
    /// could drift from
    readme: foldhash::HashSet<&'a str>,
}

/// Slot key of a name: (group, role, public prefix).
type SlotKey = (String, roles::NameRole, Option<String>);

/// The provided names in sorted order, indexed three ways so a near-miss search asks a few
/// buckets instead of comparing the read name with every provided one:
/// - by slot (group, role, public prefix) and by normal form, each bucket in name order;
/// - for "at most two edits", by segments: each name of `L` chars is cut into three segments
///   at fixed places; two edits leave at least one segment intact, shifted by at most two
///   places, so a name within two edits of the read shares a (length, segment number, text)
///   key with one of the read's substrings at those places. Candidates are checked with the
///   same edit distance as before.
struct NearIndex<'a> {
    names: Vec<&'a str>,
    /// per name: its chars, for the bounded edit distance
    chars: Vec<Vec<char>>,
    /// per name: is it a catalog env name
    catalog: Vec<bool>,
    /// per name: the provider its name belongs to (`GROQ_API_KEY`: Groq)
    provider: Vec<Option<usize>>,
    by_slot: HashMap<SlotKey, Vec<usize>>,
    by_normal: HashMap<String, Vec<usize>>,
    by_segment: HashMap<(usize, u8, String), Vec<usize>>,
}

/// `edit_distance(a, b) <= 2` (over chars) without allocating: the dynamic program kept to the
/// band of diagonals within two of the main one, stopping once a row exceeds two.
fn within_two(a: &[char], b: &[char]) -> bool {
    const K: usize = 2;
    const FAR: usize = usize::MAX / 2;
    if a.len().abs_diff(b.len()) > K {
        return false;
    }
    // row[d] is the distance at (i, j = i + d - K): a[..i] against b[..j]
    let mut row = [FAR; 2 * K + 1];
    for (d, cell) in row.iter_mut().enumerate() {
        if d >= K {
            *cell = d - K; // i = 0: j insertions
        }
    }
    for i in 1..=a.len() {
        let mut next = [FAR; 2 * K + 1];
        for d in 0..=2 * K {
            let Some(j) = (i + d).checked_sub(K) else { continue };
            if j > b.len() {
                continue;
            }
            let v = if j == 0 {
                i
            } else {
                // diagonal (i-1, j-1) is row[d]; up (i-1, j) is row[d+1]; left (i, j-1) is next[d-1]
                let sub = row[d] + usize::from(a[i - 1] != b[j - 1]);
                let del = if d < 2 * K { row[d + 1] + 1 } else { FAR };
                let ins = if d > 0 { next[d - 1] + 1 } else { FAR };
                sub.min(del).min(ins)
            };
            next[d] = v;
        }
        if next.iter().all(|&v| v > K) {
            return false;
        }
        row = next;
    }
    // j = b.len() sits at d = b.len() - a.len() + K
    row[b.len() + K - a.len()] <= K
}

/// Where segment `i` (of 3) of a name of `len` chars starts, and its length in chars.
fn segment(len: usize, i: usize) -> (usize, usize) {
    let third = len / 3;
    let start = i * third;
    (start, if i == 2 { len - 2 * third } else { third })
}

impl<'a> NearIndex<'a> {
    fn new(cx: &Cx, mut names: Vec<&'a str>) -> Self {
        names.sort_unstable();
        let mut by_slot: HashMap<SlotKey, Vec<usize>> = HashMap::default();
        let mut by_normal: HashMap<String, Vec<usize>> = HashMap::default();
        let mut by_segment: HashMap<(usize, u8, String), Vec<usize>> = HashMap::default();
        let mut catalog = Vec::with_capacity(names.len());
        let mut provider = Vec::with_capacity(names.len());
        let mut all_chars = Vec::with_capacity(names.len());
        for (i, p) in names.iter().enumerate() {
            let info = roles::name_info(cx.catalog, p);
            provider.push(info.slot);
            by_slot.entry((info.group, info.role, info.public_prefix)).or_default().push(i);
            by_normal.entry(normal(p)).or_default().push(i);
            catalog.push(cx.catalog.env(p).is_some());
            let chars: Vec<char> = p.chars().collect();
            for k in 0..3 {
                let (start, len) = segment(chars.len(), k);
                let text: String = chars[start..start + len].iter().collect();
                by_segment.entry((chars.len(), k as u8, text)).or_default().push(i);
            }
            all_chars.push(chars);
        }
        NearIndex { names, chars: all_chars, catalog, provider, by_slot, by_normal, by_segment }
    }

    /// The first name (in sorted order) other than `read` in the same provider slot and role
    /// (not a catalog name when `read` is one), with the same normal form, or at most two
    /// edits away: the same answer as trying every provided name in order.
    fn find(&self, cx: &Cx, read: &str) -> Option<usize> {
        let ri = roles::name_info(cx.catalog, read);
        let read_is_catalog = cx.catalog.env(read).is_some();
        let mut best: Option<usize> = None;
        let offer = |i: usize, best: &mut Option<usize>| {
            if best.is_none_or(|b| i < b) {
                *best = Some(i);
            }
        };
        if !ri.group.is_empty() {
            let key = (ri.group.clone(), ri.role, ri.public_prefix.clone());
            if let Some(&i) = self.by_slot.get(&key).and_then(|v| v.iter().find(|&&i| self.names[i] != read && !(read_is_catalog && self.catalog[i]))) {
                offer(i, &mut best);
            }
        }
        if let Some(&i) = self.by_normal.get(&normal(read)).and_then(|v| v.iter().find(|&&i| self.names[i] != read)) {
            offer(i, &mut best);
        }
        let chars: Vec<char> = read.chars().collect();
        let m = chars.len();
        let mut checked = foldhash::HashSet::default();
        for len in m.saturating_sub(2)..=m + 2 {
            for k in 0..3 {
                let (start, seg) = segment(len, k);
                for at in start.saturating_sub(2)..=start + 2 {
                    if at + seg > m {
                        break;
                    }
                    let text: String = chars[at..at + seg].iter().collect();
                    let Some(bucket) = self.by_segment.get(&(len, k as u8, text)) else { continue };
                    for &i in bucket {
                        if best.is_some_and(|b| i >= b) {
                            break;
                        }
                        // names of two different providers are not typos of each other
                        // (`GROK_API_KEY` is xAI's, `GROQ_API_KEY` Groq's)
                        let other_provider = ri.slot.is_some() && self.provider[i].is_some() && ri.slot != self.provider[i];
                        if checked.insert(i) && self.names[i] != read && !other_provider && within_two(&self.chars[i], &chars) {
                            offer(i, &mut best);
                            break;
                        }
                    }
                }
            }
        }
        best
    }
}

impl<'a> ProvidedEnv<'a> {
    /// `None` when the repository has no env file at all: nothing documents its environment,
    /// so there is nothing to compare reads against.
    pub fn for_project(cx: &Cx<'a>) -> Option<Self> {
        let files = &cx.index.files;
        if !files.iter().any(|f| matches!(f.kind, FileKind::Dotenv(_))) {
            return None;
        }
        let mut at = HashMap::default();
        for (fi, f) in files.iter().enumerate() {
            // synthetic SDK slots in source files are not configuration
            // READMEs document names (kept apart below), they configure nothing
            if matches!(f.kind, FileKind::Source | FileKind::Readme) {
                continue;
            }
            for a in &f.facts.assignments {
                at.entry(a.name.as_str()).or_insert((fi, a.name_span));
            }
            // `# NAME=` in an env example documents NAME as well
            for (name, span) in &f.facts.documented {
                at.entry(name.as_str()).or_insert((fi, *span));
            }
        }
        let readme = files
            .iter()
            .filter(|f| f.kind == FileKind::Readme)
            .flat_map(|f| f.facts.documented.iter().map(|(n, _)| n.as_str()))
            .collect();
        Some(ProvidedEnv { at, names: None, memo: HashMap::default(), readme })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.at.contains_key(name) || self.readme.contains(name)
    }

    /// Where a provided name is first set.
    pub fn at(&self, name: &str) -> Option<(usize, Span)> {
        self.at.get(name).copied()
    }

    /// The provided name `read` is probably meant to be: the first (in sorted order) in the same
    /// provider slot and role, with the same normal form, or at most two edits away.
    pub fn near_miss(&mut self, cx: &Cx, read: &'a str) -> Option<&'a str> {
        if let Some(&known) = self.memo.get(read) {
            return known;
        }
        let at = &self.at;
        let index = self.names.get_or_insert_with(|| NearIndex::new(cx, at.keys().copied().collect()));
        let found = index.find(cx, read).map(|i| index.names[i]);
        self.memo.insert(read, found);
        found
    }
}

impl Check for EnvNameDrift {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        // read names already reported at the read, so the set side does not report them again
        let mut reported = foldhash::HashSet::default();
        self.read_side(cx, &mut reported, out);
        set_side::check(cx, &Self::META, &reported, out);
    }
}

impl EnvNameDrift {
    fn read_side<'a>(&self, cx: &Cx<'a>, reported: &mut foldhash::HashSet<&'a str>, out: &mut Vec<Finding>) {
        let Some(mut provided) = ProvidedEnv::for_project(cx) else { return };
        let mut memo = foldhash::HashMap::default();
        for (fi, f) in cx.index.files.iter().enumerate() {
            let Some(code) = f.facts.code() else { continue };
            let mut seen = foldhash::HashSet::default();
            for r in &code.env_reads {
                if provided.contains(&r.name) || !judged_once(cx, &mut memo, &r.name) || !seen.insert(&r.name) {
                    continue;
                }
                let Some(near) = provided.near_miss(cx, &r.name) else { continue };
                let Some((pf, ps)) = provided.at(near) else { continue };
                reported.insert(&*r.name);
                out.push(
                    Finding::new(&Self::META, Label::new(fi, r.span, format!("`{near}` is what is set")), format!("the code reads `{}`, but the configuration sets `{near}`", r.name))
                        .related(Label::new(pf, ps, format!("`{near}` set here")))
                        .help(format!("read {near} (or rename the variable where it is set)"))
                        .evidence(format!("{}~{near}", r.name)),
                );
            }
        }
    }
}

/// The other direction: a name a Dockerfile (`ENV`/`ARG`), a compose service that builds the
/// project's code, or a workflow `env:` sets, that nothing in the repository reads, while the
/// code reads a near-miss of it (same normal form, or one or two edits) that the same place
/// does not set. The process gets the set name and the code asks for the other one.
///
/// Precision before recall: the set name must not be a catalog name (SDKs read those without
/// the code naming them), must not be read by the code (in any case: settings classes read
/// case-insensitively), and must not be written anywhere else as a word (a shell script, a
/// `RUN`, a Go file the code front end does not read for env names); a name the code reads is
/// never compared with another name the code reads; a trailing number (`KEY_2`) is a second
/// key, not a typo; and an env the place passes to a third-party action or image is that
/// program's business. Source files whose text was released after parsing are read again for
/// the word search, only when there is a candidate at all (rare: one in the 46 ecosystem
/// repositories), so the cost is paid by the runs that may report.
mod set_side {
    use foldhash::{HashMap, HashSet};

    use super::{normal, within_two};
    use crate::checks::undefined_env_read::judged;
    use crate::checks::{Cx, Meta};
    use crate::classify::FileKind;
    use crate::facts::Outline;
    use crate::finding::{Finding, Label};
    use crate::index::join_path;
    use crate::roles;
    use crate::source::Span;

    /// Where a name is set: the file, the assignment, what sets it (for the message), and the
    /// names the same process also gets from that place.
    struct Site {
        file: usize,
        assignment: usize,
        /// (what sets it, whose environment that is), for the message
        kind: (&'static str, &'static str),
        /// index of the names set beside it for the same process (the read name among them:
        /// no drift)
        beside: usize,
        /// an env file of the service the repository does not hold: it may pass anything
        unknown_env_file: bool,
    }

    /// The places, and per place the names set there together.
    #[derive(Default)]
    struct Sites<'a> {
        sites: Vec<Site>,
        beside: Vec<Vec<&'a str>>,
    }

    /// A judged name the code reads, prepared for the near-miss test.
    struct Read<'a> {
        name: &'a str,
        chars: Vec<char>,
        role: roles::NameRole,
        slot: Option<usize>,
        /// the first read, for the related label
        at: (usize, Span),
    }

    /// Re-read cap for released source text (the walk read it under the configured cap; a file
    /// that grew past this is treated as mentioning everything).
    const REREAD_CAP: u64 = 16 * 1024 * 1024;

    pub(super) fn check<'a>(cx: &Cx<'a>, meta: &'static Meta, reported: &HashSet<&'a str>, out: &mut Vec<Finding>) {
        let Sites { sites, beside } = sites(cx);
        if sites.is_empty() {
            return;
        }
        // names the code reads: judged ones (LLM key / base URL) with their first read, and all of
        // them upper-cased (is the set name itself read?)
        let mut reads: Vec<Read<'a>> = Vec::new();
        let mut read_upper: HashSet<String> = HashSet::default();
        let mut distinct: HashSet<&'a str> = HashSet::default();
        for (fi, f) in cx.index.files.iter().enumerate() {
            let Some(code) = f.facts.code() else { continue };
            for r in &code.env_reads {
                if !distinct.insert(&r.name) {
                    continue;
                }
                read_upper.insert(r.name.to_ascii_uppercase());
                if judged(cx, &r.name) && !reported.contains(&*r.name) {
                    let info = roles::name_info(cx.catalog, &r.name);
                    reads.push(Read { name: &r.name, chars: r.name.chars().collect(), role: info.role, slot: info.slot, at: (fi, r.span) });
                }
            }
        }
        reads.sort_unstable_by(|a, b| a.name.cmp(b.name));
        let mut by_normal: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, r) in reads.iter().enumerate() {
            by_normal.entry(normal(r.name)).or_default().push(i);
        }
        // candidates: (site, set name, read)
        let mut candidates: Vec<(&Site, &'a str, &Read)> = Vec::new();
        for site in &sites {
            let a = &cx.index.files[site.file].facts.assignments[site.assignment];
            let set = a.name.as_str();
            if site.unknown_env_file || cx.catalog.env(set).is_some() || read_upper.contains(&set.to_ascii_uppercase()) {
                continue;
            }
            let Some(read) = intended(cx, set, &reads, &by_normal) else { continue };
            if beside[site.beside].contains(&read.name) {
                continue;
            }
            candidates.push((site, set, read));
        }
        if candidates.is_empty() {
            return;
        }
        let mut names: Vec<&str> = candidates.iter().map(|c| c.1).collect();
        names.sort_unstable();
        names.dedup();
        let mentioned = mentioned(cx, &names, &sites);
        for (site, set, read) in candidates {
            if mentioned.contains(set) {
                continue;
            }
            let name = read.name;
            let a = &cx.index.files[site.file].facts.assignments[site.assignment];
            out.push(
                Finding::new(meta, Label::new(site.file, a.name_span, format!("the code reads `{name}`")), format!("{} sets `{set}`, which nothing in the repository reads, while the code reads `{name}`, which {} does not set: the code gets no value (a `401` for a key)", site.kind.0, site.kind.1))
                    .related(Label::new(read.at.0, read.at.1, format!("`{name}` read here")))
                    .help(format!("rename it to {name} (the name the code reads)"))
                    .evidence(format!("{set}>{name}")),
            );
        }
    }

    /// The one name the code reads that `set` is a near-miss of, if exactly one is: the same
    /// normal form, else one or two edits away.
    fn intended<'r, 'a>(cx: &Cx, set: &str, reads: &'r [Read<'a>], by_normal: &HashMap<String, Vec<usize>>) -> Option<&'r Read<'a>> {
        if let Some(same) = by_normal.get(&normal(set)) {
            return match same.as_slice() {
                [one] => Some(&reads[*one]),
                _ => None,
            };
        }
        // `KEY_2` beside `KEY`, `KEY_1` beside `KEY_2`: numbered keys, on purpose
        if ends_in_digit(set) {
            return None;
        }
        let si = roles::name_info(cx.catalog, set);
        let chars: Vec<char> = set.chars().collect();
        let mut near = reads.iter().filter(|r| {
            // short names are a few edits from many unrelated ones
            r.chars.len() >= 8
                && r.chars.len().abs_diff(chars.len()) <= 2
                && r.role == si.role
                // names of two providers are not typos of each other (GROK / GROQ)
                && !(r.slot.is_some() && si.slot.is_some() && r.slot != si.slot)
                && !ends_in_digit(r.name)
                && within_two(&chars, &r.chars)
        });
        let r = near.next()?;
        near.next().is_none().then_some(r)
    }

    fn ends_in_digit(s: &str) -> bool {
        s.ends_with(|c: char| c.is_ascii_digit())
    }

    /// Every place a deployment sets a name for the project's own code.
    fn sites<'a>(cx: &Cx<'a>) -> Sites<'a> {
        let mut out = Sites::default();
        for (fi, f) in cx.index.files.iter().enumerate() {
            let names = |ix: &[usize]| -> Vec<&'a str> { ix.iter().map(|&i| f.facts.assignments[i].name.as_str()).collect() };
            let mut group = |names: Vec<&'a str>| {
                out.beside.push(names);
                out.beside.len() - 1
            };
            let mut found: Vec<Site> = Vec::new();
            match &f.facts.outline {
                Outline::Dockerfile(d) => {
                    // the runtime sees the stages' ENV; a RUN sees its ARGs too
                    let all_env: Vec<&str> = d.stages.iter().flat_map(|s| names(&s.envs)).collect();
                    let env_group = group(all_env.clone());
                    for st in &d.stages {
                        found.extend(st.envs.iter().map(|&i| Site { file: fi, assignment: i, kind: ("this `ENV`", "the image"), beside: env_group, unknown_env_file: false }));
                        let mut with_args = all_env.clone();
                        with_args.extend(names(&st.args));
                        with_args.extend(names(&d.global_args));
                        let arg_group = group(with_args);
                        found.extend(st.args.iter().map(|&i| Site { file: fi, assignment: i, kind: ("this `ARG`", "the build"), beside: arg_group, unknown_env_file: false }));
                    }
                }
                Outline::Compose(c) => {
                    let dir = f.source.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
                    // services that only run an image run someone else's program
                    for svc in c.services.iter().filter(|s| s.build.is_some()) {
                        let mut set = names(&svc.env);
                        let mut unknown = false;
                        for ef in &svc.env_files {
                            let p = join_path(dir, &ef.path);
                            match cx.index.find(&p).or_else(|| cx.index.find(&format!("{p}.example"))) {
                                Some(h) => set.extend(cx.index.files[h].facts.assignments.iter().map(|a| a.name.as_str())),
                                None => unknown = true,
                            }
                        }
                        let g = group(set);
                        found.extend(svc.env.iter().map(|&i| Site { file: fi, assignment: i, kind: ("this compose service", "the service"), beside: g, unknown_env_file: unknown }));
                    }
                }
                Outline::Workflow(wf) if f.kind == FileKind::Workflow => {
                    // an env a third-party action gets is that action's input
                    let own = |s: &crate::facts::workflow::Step| s.uses.as_ref().is_none_or(|u| u.value.starts_with("actions/") || u.value.starts_with("./"));
                    let job_own = |j: &crate::facts::workflow::Job| j.uses.is_none() && j.steps.iter().all(own);
                    let all: Vec<&str> = names(&wf.env).into_iter().chain(wf.jobs.iter().flat_map(|j| names(&j.env).into_iter().chain(j.steps.iter().flat_map(|s| names(&s.env))))).collect();
                    let g = group(all);
                    let site = |i: usize| Site { file: fi, assignment: i, kind: ("this workflow `env:`", "the workflow"), beside: g, unknown_env_file: false };
                    if wf.jobs.iter().all(job_own) {
                        found.extend(wf.env.iter().map(|&i| site(i)));
                    }
                    for j in &wf.jobs {
                        if job_own(j) {
                            found.extend(j.env.iter().map(|&i| site(i)));
                        }
                        for s in j.steps.iter().filter(|s| s.uses.is_none()) {
                            found.extend(s.env.iter().map(|&i| site(i)));
                        }
                    }
                }
                _ => {}
            }
            out.sites.extend(found);
        }
        out
    }

    /// The names written as a word somewhere other than where some file sets them (its own
    /// statement at a site included): read by something keylint does not model. READMEs
    /// document, they do not read.
    fn mentioned<'n>(cx: &Cx, names: &[&'n str], sites: &[Site]) -> HashSet<&'n str> {
        let mut found = HashSet::default();
        let own: HashMap<usize, Vec<Span>> = sites.iter().fold(HashMap::default(), |mut m, s| {
            m.entry(s.file).or_insert_with(Vec::new).push(cx.index.files[s.file].facts.assignments[s.assignment].stmt_span);
            m
        });
        let finders: Vec<(&str, memchr::memmem::Finder)> = names.iter().map(|n| (*n, memchr::memmem::Finder::new(n.as_bytes()))).collect();
        for (fi, f) in cx.index.files.iter().enumerate() {
            if found.len() == names.len() {
                break;
            }
            if f.kind == FileKind::Readme {
                continue;
            }
            let reread;
            let text: &str = if f.source.is_dropped() {
                reread = f.disk_path().and_then(|p| crate::fsread::reread(&p, &f.kind, REREAD_CAP));
                match &reread {
                    Some(t) => t,
                    // unreadable now: assume it mentions them all
                    None => {
                        found.extend(names.iter().copied());
                        break;
                    }
                }
            } else {
                &f.source.text
            };
            let sets: Vec<Span> = f.facts.assignments.iter().map(|a| a.name_span).chain(f.facts.documented.iter().map(|d| d.1)).collect();
            let skip: &[Span] = own.get(&fi).map_or(&[], Vec::as_slice);
            let b = text.as_bytes();
            for (name, finder) in &finders {
                if found.contains(name) {
                    continue;
                }
                let hit = finder.find_iter(b).any(|at| {
                    let end = at + name.len();
                    let word = (at == 0 || !is_word(b[at - 1])) && (end == b.len() || !is_word(b[end]));
                    word && !sets.iter().any(|s| s.range().start == at) && !skip.iter().any(|s| s.range().start <= at && end <= s.range().end)
                });
                if hit {
                    found.insert(*name);
                }
            }
        }
        found
    }

    fn is_word(c: u8) -> bool {
        c.is_ascii_alphanumeric() || c == b'_'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The search before the index: every provided name in sorted order.
    fn scan(cx: &Cx, names: &[&str], read: &str) -> Option<usize> {
        let ri = roles::name_info(cx.catalog, read);
        let read_is_catalog = cx.catalog.env(read).is_some();
        names.iter().position(|p| {
            let pi = roles::name_info(cx.catalog, p);
            *p != read
                && ((!ri.group.is_empty() && pi.group == ri.group && pi.role == ri.role && pi.public_prefix == ri.public_prefix && !(read_is_catalog && cx.catalog.env(p).is_some()))
                    || normal(p) == normal(read)
                    || crate::ci::edit_distance(p, read) <= 2)
        })
    }

    #[test]
    fn within_two_is_edit_distance_at_most_two() {
        let words = ["", "a", "ab", "ba", "abc", "acb", "abcd", "xbcy", "OPENAI_API_KEY", "OPENAI_APIKEY", "OPENAI_KEY", "OPENAI_API_KEX", "PENAI_API_KEY", "é_KEY", "e_KEY", "KEY", "K", "KEYS__"];
        for a in words {
            for b in words {
                let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                assert_eq!(within_two(&ca, &cb), crate::ci::edit_distance(a, b) <= 2, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn near_index_finds_what_a_scan_of_every_name_finds() {
        let catalog = crate::catalog_for(&crate::config::Config::default()).expect("catalog");
        let index = crate::index::ProjectIndex::new(Vec::new());
        let cx = Cx { index: &index, catalog: &catalog };
        let stems = ["OPENAI_API_KEY", "ANTHROPIC_KEY", "NEXT_PUBLIC_OPENAI_KEY", "DB", "A", "", "MY_LLM_API_KEY", "OPENAI_BASE_URL", "é_KEY", "XAI_API_KEY", "CONFIG_VALUE"];
        // names and reads: the stems, and stems with one to three edits, deletions, insertions
        let mut variants: Vec<String> = Vec::new();
        for s in stems {
            variants.push(s.to_string());
            let chars: Vec<char> = s.chars().collect();
            for i in 0..=chars.len() {
                for ins in ['X', '_', '1'] {
                    let mut v = chars.clone();
                    v.insert(i, ins);
                    variants.push(v.iter().collect());
                }
                if i < chars.len() {
                    let mut v = chars.clone();
                    v.remove(i);
                    variants.push(v.iter().collect());
                    if i + 2 < chars.len() {
                        v.remove(i + 1);
                        v[i] = 'Q';
                        variants.push(v.iter().collect());
                    }
                }
            }
        }
        variants.sort();
        variants.dedup();
        for step in [1, 3, 7] {
            let provided: Vec<&str> = variants.iter().step_by(step).map(String::as_str).collect();
            let near = NearIndex::new(&cx, provided.clone());
            let mut sorted = provided.clone();
            sorted.sort_unstable();
            for read in &variants {
                assert_eq!(near.find(&cx, read), scan(&cx, &sorted, read), "read {read:?}, every {step}th name provided");
            }
        }
    }
}
