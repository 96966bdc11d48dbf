//! Facts of a Dockerfile: stages, `ARG`/`ENV` (as assignment indices into the file's facts),
//! `COPY`/`ADD` sources and `RUN` secret mounts. Produced by `parse::dockerfile`.

use crate::source::Span;

#[derive(Debug, Clone)]
pub struct CopySource {
    pub path: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CopyInstr {
    pub add: bool,
    /// `--from=<stage|image>`: copies from elsewhere, not from the build context
    pub from: Option<String>,
    pub sources: Vec<CopySource>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RunInstr {
    pub span: Span,
    /// ids of `--mount=type=secret`
    pub secret_mounts: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Stage {
    pub name: Option<String>,
    pub base: String,
    pub from_span: Span,
    /// assignment indices
    pub args: Vec<usize>,
    pub envs: Vec<usize>,
    pub copies: Vec<CopyInstr>,
    pub runs: Vec<RunInstr>,
}

#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    /// `ARG` before the first `FROM` (assignment indices)
    pub global_args: Vec<usize>,
    pub stages: Vec<Stage>,
}
