//! Facts of a `.dockerignore`: its patterns compiled (Docker's syntax, anchored at the build
//! context) and the one question checks ask of them. Produced by `parse::dockerignore`.

use regex::Regex;

use crate::source::Span;

#[derive(Debug, Clone)]
pub struct Pattern {
    pub raw: String,
    pub negate: bool,
    pub re: Regex,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    pub patterns: Vec<Pattern>,
}

impl DockerIgnore {
    /// Is `rel` (relative to the context root, `/`-separated) left out of the build context?
    pub fn excludes(&self, rel: &str) -> bool {
        let rel = rel.trim_start_matches("./");
        let mut excluded = false;
        for p in &self.patterns {
            let hit = p.re.is_match(rel) || ancestors(rel).any(|a| p.re.is_match(a));
            if hit {
                excluded = !p.negate;
            }
        }
        excluded
    }
}

fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/').map(move |(i, _)| &rel[..i])
}
