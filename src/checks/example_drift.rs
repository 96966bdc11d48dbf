use std::collections::{BTreeMap, HashSet};

use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Compares the names set in a folder's loaded dotenv files (`.env`, `.env.local`,
    /// `.env.<mode>`) with the names its example file documents (`.env.example`, …), both ways.
    ///
    /// ## Why it breaks
    /// A name missing from the example is missing on the next machine: the SDK reads an empty
    /// key and fails with `401`. A name only in the example was renamed or dropped in the
    /// real file, which is how `OPENAI_KEY` vs `OPENAI_API_KEY` drift starts.
    ///
    /// ## Example
    /// ```sh
    /// # .env.example           # .env
    /// OPENAI_API_KEY=          OPENAI_KEY=sk-…
    /// ```
    ///
    /// ## Fix
    /// Add the missing names to the example (with empty or placeholder values), or rename the
    /// variable so both files agree.
    ExampleDrift {
        id: "example-drift",
        category: MissingRef,
        severity: Info,
        confidence: Medium,
        summary: "names in .env missing from .env.example, and the reverse",
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

impl Check for ExampleDrift {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        // per folder: (loaded files, example files)
        let mut dirs: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (i, f) in cx.index.files.iter().enumerate() {
            let crate::classify::FileKind::Dotenv(role) = &f.kind else { continue };
            let e = dirs.entry(dir_of(&f.source.rel_path)).or_default();
            match role {
                crate::classify::DotenvRole::Example => e.1.push(i),
                crate::classify::DotenvRole::Standalone => {}
                _ => e.0.push(i),
            }
        }
        for (loaded, examples) in dirs.values() {
            if loaded.is_empty() || examples.is_empty() {
                continue;
            }
            let names = |files: &[usize]| -> HashSet<&str> {
                files.iter().flat_map(|&i| cx.index.files[i].facts.assignments.iter().map(|a| a.name.as_str())).collect()
            };
            let (in_loaded, in_examples) = (names(loaded), names(examples));
            let example_name = &cx.index.files[examples[0]].source.rel_path;
            self.report(cx, loaded, &in_examples, |n, p| format!("`{n}` is set in {p} but not documented in {example_name}"), out);
            self.report(cx, examples, &in_loaded, |n, p| format!("`{n}` is documented in {p} but no loaded .env file in this folder sets it"), out);
        }
    }
}

impl ExampleDrift {
    fn report(&self, cx: &Cx, files: &[usize], other: &HashSet<&str>, msg: impl Fn(&str, &str) -> String, out: &mut Vec<Finding>) {
        let mut seen = HashSet::new();
        for &i in files {
            let f = &cx.index.files[i];
            for a in &f.facts.assignments {
                if other.contains(a.name.as_str()) || !seen.insert(a.name.as_str()) {
                    continue;
                }
                let path = f.source.rel_path.rsplit('/').next().unwrap_or(&f.source.rel_path);
                out.push(
                    Finding::new(&Self::META, Label::new(i, a.name_span, "not in the other file"), msg(&a.name, path))
                        .help("keep the example and the real file listing the same names")
                        .evidence(a.name.clone()),
                );
            }
        }
    }
}
