//! Renderers. Every format reads the same sorted findings; none ever sees a raw secret: labels
//! are spans, messages are pre-redacted, and the human snippet is drawn from masked text.

pub mod github;
pub mod history;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{IsTerminal, Write};

use crate::Report;
use crate::cli::{Color, Format, LintArgs};
use crate::error::Fatal;
use crate::facts::ValueSource;
use crate::index::IndexedFile;
use crate::redact::Masker;
pub use crate::redact::sanitize;
use crate::roles::NameRole;
use crate::source::{Position, Span};

pub struct RenderOptions {
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub width: usize,
    /// the human view shows findings at or above this; the rest are counted in one line
    pub min_severity: crate::finding::Severity,
    /// print the run's wall time in the summary (not in snapshots)
    pub timing: bool,
}

impl RenderOptions {
    pub fn from_args(args: &LintArgs) -> Self {
        let color = match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        RenderOptions {
            color,
            quiet: args.quiet,
            verbose: args.verbose,
            width: 100,
            // info is advice: the human view hides it unless asked
            min_severity: args
                .min_severity
                .unwrap_or(crate::finding::Severity::Warning),
            timing: true,
        }
    }

    /// Deterministic output for tests and snapshots.
    pub fn plain() -> Self {
        RenderOptions {
            color: false,
            quiet: false,
            verbose: false,
            width: 100,
            min_severity: crate::finding::Severity::Info,
            timing: false,
        }
    }
}

pub fn render(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Fatal> {
    match format {
        Format::Human => human::render(report, opts, out, err)?,
        Format::Json => json::render(report, out)?,
        Format::Sarif => sarif::render(report, out)?,
        Format::Github => {
            github::render(report, out)?;
            github::write_step_summary(report)?;
        }
    }
    Ok(())
}

/// Start and end positions of a span (end exclusive, 1-based columns).
pub fn positions(file: &IndexedFile, span: Span) -> (Position, Position) {
    (
        file.source.position(span.start as usize),
        file.source.position(span.end as usize),
    )
}

/// Spans in a file whose text must never be shown: key values, anything token-like in a
/// key-ish or unparsable line, URLs with credentials.
pub fn secret_spans(file: &IndexedFile) -> Vec<Span> {
    let mut spans = Vec::new();
    for (a, info) in file.facts.assignments.iter().zip(&file.info) {
        if matches!(
            a.source,
            ValueSource::EnvRef(_) | ValueSource::Secret(_) | ValueSource::Var(_)
        ) {
            // a reference names a variable; it holds no secret
            continue;
        }
        let v = a.value.expose();
        // a long bare value under a name of no known role may be a token; a model name is
        // not (random-looking runs anywhere are masked by `secret_like_spans` below)
        let tokenish = !matches!(info.name.role, NameRole::Model | NameRole::BaseUrl)
            && v.len() >= 16
            && !v.contains("://")
            && !v.contains(' ');
        let creds = v.contains("://")
            && v.split("://")
                .nth(1)
                .is_some_and(|r| r.split('/').next().is_some_and(|h| h.contains('@')));
        if info.name.role == NameRole::Key || info.key.is_some() || tokenish || creds {
            spans.push(a.value_span);
        }
    }
    for issue in &file.facts.parse_issues {
        spans.extend(crate::redact::long_tokens(&file.source.text, issue.span));
    }
    if !file.facts.parse_issues.is_empty() {
        // the front end did not understand this file: every long token may be a value
        spans.extend(crate::redact::long_tokens(
            &file.source.text,
            Span::new(0, file.source.text.len()),
        ));
    }
    spans.extend(crate::redact::secret_like_spans(&file.source.text));
    if let Some(code) = file.facts.code() {
        spans.extend(code.key_literals.iter().map(|k| k.span));
    }
    spans.extend(file.facts.literals.iter().map(|k| k.span));
    if let Some(s) = file.facts.settings() {
        spans.extend(s.secrets.iter().map(|k| k.span));
    }
    spans
}

/// A file's text with its secret spans replaced by their redacted form and its control
/// characters spelled out: what every snippet is drawn from.
pub fn masked(file: &IndexedFile) -> (String, Masker) {
    let m = Masker::for_display(&file.source.text, secret_spans(file));
    (m.apply(&file.source.text), m)
}

/// A path as machine formats print it (JSON, SARIF): a key used as a file or folder name is
/// masked like a value.
pub fn shown_path(path: &str) -> String {
    crate::redact::scrub(path).into_owned()
}
