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
    /// provided names in order, with their roles and normal forms (built on first use)
    names: Option<Vec<(&'a str, roles::NameInfo, String)>>,
    /// each read name is judged once: a monorepo reads the same few names in thousands of files
    memo: HashMap<&'a str, Option<&'a str>>,
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
            if f.kind == FileKind::Source {
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
        Some(ProvidedEnv { at, names: None, memo: HashMap::default() })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.at.contains_key(name)
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
        let names = self.names.get_or_insert_with(|| {
            let mut names: Vec<&str> = at.keys().copied().collect();
            names.sort_unstable();
            names.into_iter().map(|p| (p, roles::name_info(cx.catalog, p), normal(p))).collect()
        });
        let ri = roles::name_info(cx.catalog, read);
        let read_is_catalog = cx.catalog.env(read).is_some();
        let read_normal = normal(read);
        let found = names
            .iter()
            .find(|(p, pi, pn)| {
                if *p == read {
                    return false;
                }
                let same_slot = !ri.group.is_empty() && pi.group == ri.group && pi.role == ri.role && pi.public_prefix == ri.public_prefix && !(read_is_catalog && cx.catalog.env(p).is_some());
                same_slot || *pn == read_normal || crate::ci::edit_distance(p, read) <= 2
            })
            .map(|(p, _, _)| *p);
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
