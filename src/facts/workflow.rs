//! Facts of a GitHub Actions workflow or action: triggers, jobs, steps (`uses:`, `run:`,
//! `with:`, `if:`), how secrets are passed to reusable workflows, `workflow_call` secrets, and
//! the `${{ context.name }}` references inside a value. Produced by `parse::workflow`.

use std::sync::LazyLock;

use regex::Regex;

use crate::facts::Context;
use crate::facts::yaml::{Style, scalar_offset};
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct Scalar {
    pub value: String,
    pub style: Style,
    pub span: Span,
}

impl Scalar {
    /// Source offset of a byte offset in the value.
    pub fn source_offset(&self, text: &str, offset: usize) -> usize {
        scalar_offset(text, &self.value, self.style, self.span, offset)
    }

    /// Source span of a value range, when it maps exactly (else the whole scalar).
    pub fn source_span(&self, text: &str, start: usize, end: usize) -> Span {
        let s = self.source_offset(text, start);
        let e = self.source_offset(text, end);
        if e > s && text.get(s..e) == self.value.get(start..end) {
            Span::new(s, e)
        } else {
            self.span
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassedSecrets {
    /// no `secrets:` key
    Nothing,
    Inherit,
    Names(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Step {
    pub span: Span,
    pub cond: Option<Scalar>,
    /// `continue-on-error: true`: a failure here does not fail the job
    pub continue_on_error: bool,
    pub uses: Option<Scalar>,
    pub run: Option<Scalar>,
    /// `with:` inputs: (name, value)
    pub with: Vec<(String, Scalar)>,
    /// assignment indices of this step's `env:`
    pub env: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub id_span: Span,
    pub cond: Option<Scalar>,
    /// `continue-on-error: true`: a failure here does not fail the run
    pub continue_on_error: bool,
    pub uses: Option<Scalar>,
    pub secrets: PassedSecrets,
    pub env: Vec<usize>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub struct CallSecret {
    pub name: String,
    pub required: bool,
    pub span: Span,
}

/// An input a person or a caller fills in: `on.workflow_dispatch.inputs.X` or
/// `on.workflow_call.inputs.X`.
#[derive(Debug, Clone)]
pub struct Input {
    /// `workflow_dispatch` or `workflow_call`
    pub event: String,
    pub name: String,
    pub span: Span,
    /// `type: secret`-like hints are not a thing on GitHub; `type:` as written, if any
    pub ty: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Workflow {
    pub is_action: bool,
    /// event names with the span of the name
    pub triggers: Vec<(String, Span)>,
    /// `on.workflow_call.secrets`
    pub call_secrets: Vec<CallSecret>,
    /// `on.workflow_dispatch.inputs` and `on.workflow_call.inputs`
    pub inputs: Vec<Input>,
    pub is_reusable: bool,
    pub env: Vec<usize>,
    pub jobs: Vec<Job>,
}

static EXPR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{\{(.*?)\}\}").expect("internal error: expr regex"));
static CTX_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(secrets|vars|env|inputs)(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([A-Za-z_][A-Za-z0-9_-]*)['"]\s*\])"#)
        .expect("internal error: context regex")
});

/// `${{ <context>.<name> }}` references in a value: (context, name, value byte range).
pub fn context_refs(value: &str) -> Vec<(Context, String, usize, usize)> {
    let mut out = Vec::new();
    for e in EXPR.captures_iter(value) {
        let Some(inner) = e.get(1) else { continue };
        for c in CTX_REF.captures_iter(inner.as_str()) {
            let ctx = match &c[1] {
                "secrets" => Context::Secrets,
                "vars" => Context::Vars,
                "env" => Context::Env,
                _ => Context::Inputs,
            };
            let name = c.get(2).or(c.get(3)).map_or("", |m| m.as_str()).to_string();
            let whole = c.get(0).map_or(0..0, |m| m.range());
            out.push((
                ctx,
                name,
                inner.start() + whole.start,
                inner.start() + whole.end,
            ));
        }
    }
    out
}
