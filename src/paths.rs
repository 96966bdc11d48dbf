//! Path classes: which files are not the application (vendored code, test inputs, tests,
//! examples), as data in `rules/paths.toml`, matched with `globset` once per file that has a
//! finding. A finding there is dropped or kept as info, except the leaks of live-format keys,
//! which are leaks wherever they sit.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::finding::{Finding, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Skip,
    Info,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassSpec {
    name: String,
    action: Action,
    why: String,
    globs: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PathsFile {
    class: Vec<ClassSpec>,
}

/// The checks that still fire in every path class: a live key committed anywhere is a leak.
const ALWAYS: &[&str] = &["committed-key", "hardcoded-key", "editor-plaintext-key"];

pub struct PathClasses {
    classes: Vec<(ClassSpec, GlobSet)>,
    /// paths the user declared application code (`[scan] app`)
    app: GlobSet,
}

fn set(globs: &[String]) -> Result<GlobSet, globset::Error> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g)?);
    }
    b.build()
}

impl PathClasses {
    /// The built-in classes, with `app` globs of the user's config taking paths back.
    pub fn new(app: &[String]) -> Result<Self, String> {
        let file: PathsFile = toml::from_str(include_str!("../rules/paths.toml"))
            .map_err(|e| format!("rules/paths.toml: {e}"))?;
        let classes = file
            .class
            .into_iter()
            .map(|c| set(&c.globs).map(|s| (c, s)))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("rules/paths.toml: {e}"))?;
        let app = set(app).map_err(|e| format!("[scan] app: {e}"))?;
        Ok(PathClasses { classes, app })
    }

    /// The class of a path (relative to the scanned root), if it is not application code:
    /// (name, action, why).
    pub fn of(&self, path: &str) -> Option<(&str, Action, &str)> {
        if self.app.is_match(path) {
            return None;
        }
        self.classes
            .iter()
            .find(|(_, s)| s.is_match(path))
            .map(|(c, _)| (c.name.as_str(), c.action, c.why.as_str()))
    }

    /// Applies the classes to findings: dropped, or kept as info with a note in the help.
    pub fn apply(&self, findings: &mut Vec<Finding>, path_of: impl Fn(&Finding) -> String) {
        findings.retain_mut(|f| {
            if ALWAYS.contains(&f.meta.id) {
                return true;
            }
            let path = path_of(f);
            match self.of(&path) {
                None => true,
                Some((_, Action::Skip, _)) => false,
                Some((name, Action::Info, why)) => {
                    if f.severity > Severity::Info {
                        f.severity = Severity::Info;
                        let note = format!("shown as info: {name} path ({why})");
                        f.help = Some(match f.help.take() {
                            Some(h) => format!("{h}; {note}"),
                            None => note,
                        });
                    }
                    true
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_load_and_match() {
        let c = PathClasses::new(&["examples/keep/**".to_string()]).expect("paths.toml");
        let name = |p: &str| c.of(p).map(|(n, _, _)| n);
        assert_eq!(name("chat/Lib/site-packages/x/y.py"), Some("vendored"));
        assert_eq!(
            name("packages/codemod/src/test/__testfixtures__/a.ts"),
            Some("fixture")
        );
        assert_eq!(name("tests/test_client.py"), Some("test"));
        assert_eq!(name("src/app.test.ts"), Some("test"));
        assert_eq!(name("examples/next/app/page.tsx"), Some("example"));
        assert_eq!(name("examples/keep/app.ts"), None);
        assert_eq!(name("src/server/llm.ts"), None);
        assert_eq!(name(".github/workflows/ci.yml"), None);
        assert_eq!(name(".env"), None);
        assert_eq!(name("contest/app.py"), None);
    }
}
