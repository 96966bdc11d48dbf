//! Facts of an editor or coding-agent settings file: which tool, the env references it expands,
//! references it would send as literal text, and secrets written in clear. Produced by
//! `parse::settings`.

use crate::redact::SecretStr;
use crate::source::Span;

/// An env reference the tool expands: `${env:OPENAI_API_KEY}`, `os.environ/X`, `env_key = "X"`.
#[derive(Debug, Clone)]
pub struct RefUse {
    pub name: String,
    pub span: Span,
    pub syntax: String,
    pub has_default: bool,
}

/// A reference written in a syntax this tool does not expand: sent as literal text.
#[derive(Debug, Clone)]
pub struct Unexpanded {
    pub span: Span,
    /// `${NAME}`
    pub written: String,
    /// the syntax's label (`${NAME}`) and what the tool does expand (`${env:NAME}`), if anything
    pub syntax: String,
    pub supported: Vec<String>,
    pub field: String,
}

/// A literal under a key-like field, or in any field with a catalog key's shape.
#[derive(Debug, Clone)]
pub struct SecretLiteral {
    pub span: Span,
    pub field: String,
    pub value: SecretStr,
}

#[derive(Debug, Clone)]
pub struct SettingsFacts {
    pub tool: String,
    pub tool_name: String,
    /// how this tool wants a key referenced (`${env:NAME}`), if it expands any syntax
    pub suggested: Option<String>,
    /// machine-local by the tool's convention (`.claude/settings.local.json`)
    pub local: bool,
    pub refs: Vec<RefUse>,
    pub unexpanded: Vec<Unexpanded>,
    pub secrets: Vec<SecretLiteral>,
}
