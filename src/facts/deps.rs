//! Facts of a Python dependency manifest or lockfile: which side of an SDK generation's
//! boundary the versions it allows fall on. Produced by `parse::pydeps`.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinSource {
    /// a lockfile's resolved version (`poetry.lock`, `uv.lock`): what is installed
    Lock,
    /// a requirement with a version specifier (`openai>=1`, `openai = "^0.28"`)
    Range,
    /// a requirement with no version: a fresh install gets the newest release
    Unpinned,
}

#[derive(Debug, Clone)]
pub struct Pin {
    /// index into the catalog's `sdk_generations`
    pub generation: usize,
    /// the requirement as written (`openai>=1.3`), for messages
    pub written: String,
    pub span: Span,
    pub source: PinSource,
    /// some allowed version is older than the boundary
    pub before: bool,
    /// some allowed version is the boundary or newer
    pub after: bool,
}
