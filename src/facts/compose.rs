//! Facts of a compose file: services with their `environment` (assignment indices),
//! `env_file`s and `build`, and every `${VAR}` interpolation. Produced by `parse::compose`.

use crate::source::Span;

#[derive(Debug, Clone)]
pub struct EnvFile {
    pub path: String,
    pub span: Span,
    pub required: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Build {
    pub context: String,
    pub dockerfile: Option<String>,
    /// assignment indices
    pub args: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub name_span: Span,
    /// assignment indices of `environment`
    pub env: Vec<usize>,
    /// of those, the list-form entries (`- KEY=value`), where quotes are kept literally
    pub list_form: Vec<usize>,
    pub env_files: Vec<EnvFile>,
    pub build: Option<Build>,
}

#[derive(Debug, Clone)]
pub struct Interpolation {
    pub name: String,
    pub span: Span,
    /// `${VAR:-x}`, `${VAR-x}`, `${VAR:+x}`: a missing value is fine
    pub has_default: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Compose {
    pub services: Vec<Service>,
    pub interpolations: Vec<Interpolation>,
}
