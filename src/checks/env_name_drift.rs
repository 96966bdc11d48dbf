use foldhash::HashMap;

use crate::checks::undefined_env_read::judged_once;
use crate::classify::FileKind;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};
use crate::roles;
use crate::source::Span;

declare_check! {
    /// ## What it does
    /// Finds code that reads a key or base-URL variable the configuration does not set, while a
    /// near-miss of it is set: same provider and role under another name (`ANTHROPIC_KEY` read,
    /// `ANTHROPIC_API_KEY` provided), or a name one or two typos away. Points at both places.
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
    /// ## Fix
    /// Read the name the configuration provides (or rename it there).
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
