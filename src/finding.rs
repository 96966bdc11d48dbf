//! A finding: one check's verdict on one place, with its labels, help and redacted evidence.
//!
//! Findings hold spans and already-redacted text, never raw values: a renderer cannot leak what
//! it never receives.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::catalog::Confidence;
use crate::checks::Meta;
use crate::source::Span;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Mismatch,
    Exposure,
    MissingRef,
    Baked,
    Format,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Mismatch => "mismatch",
            Category::Exposure => "exposure",
            Category::MissingRef => "missing-ref",
            Category::Baked => "baked",
            Category::Format => "format",
        }
    }
}

/// `name` with its indefinite article: "an OpenRouter", "an Anthropic", "a DeepSeek".
pub fn a(name: &str) -> String {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c))
        || name.starts_with("xAI")
        || name.starts_with("npm");
    format!("{} {name}", if vowel { "an" } else { "a" })
}

/// A place in a file with a message: (file index in the project index, span).
#[derive(Debug, Clone)]
pub struct Label {
    pub file: usize,
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(file: usize, span: Span, message: impl Into<String>) -> Self {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub meta: &'static Meta,
    pub severity: Severity,
    pub confidence: Confidence,
    pub message: String,
    pub help: Option<String>,
    pub primary: Label,
    pub related: Vec<Label>,
    /// Normalised, non-secret evidence (names, provider ids) for the fingerprint.
    pub evidence: String,
    /// Set when an inline suppression covers this finding: its reason (maybe empty).
    pub suppressed: Option<String>,
    /// A fix that cannot change meaning (`--fix`): byte edits in this finding's files.
    pub fix: Vec<Edit>,
}

/// Replace `span` of `file` with `replacement`. Replacements never hold secret text: fixes
/// delete bytes inside a value or replace non-secret text (URLs, names, quotes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub file: usize,
    pub span: Span,
    pub replacement: String,
}

impl Finding {
    /// Starts a finding at its one primary label, with the check's default severity and
    /// confidence.
    pub fn new(meta: &'static Meta, primary: Label, message: impl Into<String>) -> Self {
        Finding {
            meta,
            severity: meta.severity,
            confidence: meta.confidence,
            message: message.into(),
            help: None,
            primary,
            related: Vec::new(),
            evidence: String::new(),
            suppressed: None,
            fix: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, label: Label) -> Self {
        self.related.push(label);
        self
    }

    pub fn confidence(mut self, c: Confidence) -> Self {
        self.confidence = c;
        self
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    pub fn fix(mut self, edits: Vec<Edit>) -> Self {
        self.fix = edits;
        self
    }

    pub fn evidence(mut self, e: impl Into<String>) -> Self {
        self.evidence = e.into();
        self
    }

    /// Stable across line moves: rule + path + evidence, SHA-256, first 16 bytes in hex.
    pub fn fingerprint(&self, path: &str) -> String {
        let mut h = Sha256::new();
        for part in [self.meta.id, path, &self.evidence] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        h.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}
