//! Editor and coding-agent settings (VS Code, Cursor, Claude Code, Continue, Codex, aider,
//! LiteLLM, LibreChat, opencode, Zed): JSONC, YAML or TOML → one span-carrying tree → facts.
//!
//! What each tool's fields mean comes from `rules/tools.toml`. Every env block and every
//! model/provider entry becomes a scope of assignments, named the way the tool's provider names
//! them (`OPENAI_API_KEY`, `OPENAI_BASE_URL`), so the shared key/endpoint/model checks judge a
//! Continue model entry like a `.env`. References are read in the tool's own syntax; a
//! reference in a syntax the tool does not expand is recorded as sent literally.

use std::borrow::Cow;

use crate::catalog::Catalog;
use crate::facts::{Assignment, FileFacts, FileScope, Outline, ParseIssue, Quote, ValueSource};
use crate::parse::yaml::{self, Node, Style};
use crate::redact::SecretStr;
use crate::source::Span;

pub use crate::facts::settings::{RefUse, SecretLiteral, SettingsFacts, Unexpanded};
use crate::tools::{Format, ProviderFrom, TOOLS, Tool};

/// Nesting deeper than this is refused before the recursive parsers see it.
const MAX_DEPTH: usize = 128;

pub fn parse(path: &str, text: &str, catalog: &Catalog) -> FileFacts {
    let mut facts = FileFacts::default();
    let Some(ti) = TOOLS.for_path(path) else {
        return facts;
    };
    let tool = &TOOLS.tools[ti];
    let root = match to_tree(tool.format, text) {
        Ok(r) => r,
        Err((span, message)) => {
            // a generic name (`config.yaml`) that does not parse is not ours to judge
            if tool.requires.is_none() {
                facts.parse_issues.push(ParseIssue { span, message });
            }
            return facts;
        }
    };
    if let Some(req) = &tool.requires {
        if root.get(req).is_none() {
            return facts;
        }
    }
    let mut s = SettingsFacts {
        tool: tool.id.clone(),
        tool_name: tool.name.clone(),
        suggested: tool
            .refs
            .iter()
            .filter_map(|r| TOOLS.syntax(r))
            .find(|s| s.names_env)
            .map(|s| s.label.clone()),
        local: tool.is_local(path),
        refs: Vec::new(),
        unexpanded: Vec::new(),
        secrets: Vec::new(),
    };
    let mut ex = Extractor {
        text,
        tool,
        catalog,
        facts: &mut facts,
        s: &mut s,
    };
    ex.env_blocks(&root);
    ex.header_blocks(&root);
    ex.entries(&root);
    walk_secrets(text, catalog, &root, "", &mut s.secrets);
    facts.outline = Outline::Settings(Box::new(s));
    facts
}

// ---------------------------------------------------------------- trees

fn to_tree(format: Format, text: &str) -> Result<Node, (Span, String)> {
    match format {
        Format::Yaml => {
            yaml::parse(text).map_err(|e| (e.span, format!("invalid YAML: {}", e.message)))
        }
        Format::Json => {
            too_deep(text, "//")?;
            let r = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default())
                .map_err(|e| {
                    let r = e.range();
                    (
                        Span::new(r.start, r.end.max(r.start)),
                        format!("invalid JSONC: {}", e.kind()),
                    )
                })?;
            Ok(r.value.map_or_else(
                || Node::Map {
                    entries: Vec::new(),
                    span: Span::new(0, 0),
                },
                |v| json_node(&v),
            ))
        }
        Format::Toml => {
            too_deep(text, "#")?;
            let t = toml::de::DeTable::parse(text).map_err(|e| {
                let r = e.span().unwrap_or(0..0);
                (
                    Span::new(r.start, r.end),
                    format!("invalid TOML: {}", e.message()),
                )
            })?;
            let span = t.span();
            Ok(toml_table(t.get_ref(), span))
        }
    }
}

/// Refuse bracket nesting deeper than [`MAX_DEPTH`] (outside strings and comments): the JSONC
/// and TOML parsers recurse per level.
pub(crate) fn too_deep(text: &str, line_comment: &str) -> Result<(), (Span, String)> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    let lc = line_comment.as_bytes();
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    i += if b[i] == b'\\' && q == b'"' { 2 } else { 1 };
                }
            }
            _ if b[i..].starts_with(lc) => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err((
                        Span::new(i, i + 1),
                        format!("nesting deeper than {MAX_DEPTH} levels; not read"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn json_node(v: &jsonc_parser::ast::Value) -> Node {
    use jsonc_parser::ast::{ObjectPropName, Value};
    let sp = |r: &jsonc_parser::common::Range| Span::new(r.start, r.end);
    let plain = |value: String, r: &jsonc_parser::common::Range| Node::Scalar {
        value,
        style: Style::Plain,
        span: sp(r),
    };
    match v {
        Value::StringLit(s) => Node::Scalar {
            value: s.value.to_string(),
            style: Style::Quoted,
            span: sp(&s.range),
        },
        Value::NumberLit(n) => plain(n.value.to_string(), &n.range),
        Value::BooleanLit(b) => plain(b.value.to_string(), &b.range),
        Value::NullKeyword(n) => plain(String::new(), &n.range),
        Value::Array(a) => Node::Seq {
            items: a.elements.iter().map(json_node).collect(),
            span: sp(&a.range),
        },
        Value::Object(o) => Node::Map {
            entries: o
                .properties
                .iter()
                .map(|p| {
                    let key = match &p.name {
                        ObjectPropName::String(s) => Node::Scalar {
                            value: s.value.to_string(),
                            style: Style::Quoted,
                            span: sp(&s.range),
                        },
                        ObjectPropName::Word(w) => plain(w.value.to_string(), &w.range),
                    };
                    (key, json_node(&p.value))
                })
                .collect(),
            span: sp(&o.range),
        },
    }
}

fn toml_value(v: &toml::de::DeValue, r: std::ops::Range<usize>) -> Node {
    use toml::de::DeValue;
    let span = Span::new(r.start, r.end);
    let plain = |value: String| Node::Scalar {
        value,
        style: Style::Plain,
        span,
    };
    match v {
        DeValue::String(s) => Node::Scalar {
            value: s.to_string(),
            style: Style::Quoted,
            span,
        },
        DeValue::Integer(i) => plain(i.as_str().to_string()),
        DeValue::Float(f) => plain(f.as_str().to_string()),
        DeValue::Boolean(b) => plain(b.to_string()),
        DeValue::Datetime(d) => plain(d.to_string()),
        DeValue::Array(a) => Node::Seq {
            items: a
                .iter()
                .map(|x| toml_value(x.get_ref(), x.span()))
                .collect(),
            span,
        },
        DeValue::Table(t) => toml_table(t, r),
    }
}

fn toml_table(t: &toml::de::DeTable, r: std::ops::Range<usize>) -> Node {
    Node::Map {
        entries: t
            .iter()
            .map(|(k, v)| {
                let ks = k.span();
                (
                    Node::Scalar {
                        value: k.get_ref().to_string(),
                        style: Style::Plain,
                        span: Span::new(ks.start, ks.end),
                    },
                    toml_value(v.get_ref(), v.span()),
                )
            })
            .collect(),
        span: Span::new(r.start, r.end),
    }
}

/// The span of a scalar's content, inside its quotes when the text maps 1:1.
fn content_span(text: &str, value: &str, style: Style, span: Span) -> Span {
    if style == Style::Quoted {
        let raw = text.get(span.range()).unwrap_or("");
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        if raw.len() >= 2 && inner == value {
            return Span::new(span.start as usize + 1, span.end as usize - 1);
        }
    }
    span
}

/// Nodes at `path` (`a.b`, `list[]`, `*`), with the key `*` matched, if any.
fn select<'n>(root: &'n Node, path: &str) -> Vec<(Option<String>, &'n Node)> {
    let mut cur: Vec<(Option<String>, &Node)> = vec![(None, root)];
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        let mut next = Vec::new();
        for (star, n) in cur {
            let (field, each) = match seg.strip_suffix("[]") {
                Some(f) => (f, true),
                None => (seg, false),
            };
            if field == "*" {
                for (k, v) in n.entries() {
                    next.push((k.as_str().map(str::to_string), v));
                }
                continue;
            }
            let Some(v) = n.get(field) else { continue };
            if each {
                next.extend(v.items().iter().map(|i| (star.clone(), i)));
            } else {
                next.push((star.clone(), v));
            }
        }
        cur = next;
    }
    cur
}

// ---------------------------------------------------------------- extraction

struct Extractor<'a> {
    text: &'a str,
    tool: &'a Tool,
    catalog: &'a Catalog,
    facts: &'a mut FileFacts,
    s: &'a mut SettingsFacts,
}

impl Extractor<'_> {
    fn env_blocks(&mut self, root: &Node) {
        for path in &self.tool.env {
            for (star, block) in select(root, path) {
                let mut members = Vec::new();
                for (k, v) in block.entries() {
                    let Some(name) = k.as_str() else { continue };
                    if let Some(i) = self.assign(name, name, k, v) {
                        members.push(i);
                    }
                }
                if !members.is_empty() {
                    let what = star.map_or_else(|| format!("`{path}`"), |s| format!("`{s}` env"));
                    self.facts.scopes.push(FileScope {
                        label: format!("{} {what}", self.tool.name),
                        members,
                    });
                }
            }
        }
    }

    fn header_blocks(&mut self, root: &Node) {
        for path in &self.tool.headers {
            for (_, block) in select(root, path) {
                for (k, v) in block.entries() {
                    if let (Some(field), Node::Scalar { value, style, span }) = (k.as_str(), v) {
                        self.references(field, value, *style, *span);
                    }
                }
            }
        }
    }

    fn entries(&mut self, root: &Node) {
        for e in &self.tool.entry {
            for (star, node) in select(root, &e.at) {
                let field = |names: &[String]| names.iter().find_map(|n| node.entry(n));
                let model = field(&e.model);
                let mut model_value = model.and_then(|(_, v)| v.as_str()).map(str::to_string);
                let mut provider = e
                    .provider_field
                    .as_ref()
                    .and_then(|f| node.get(f))
                    .and_then(Node::as_str)
                    .and_then(|p| self.provider(p));
                match e.provider_from {
                    Some(ProviderFrom::Key) => {
                        provider =
                            provider.or_else(|| star.as_deref().and_then(|s| self.provider(s)))
                    }
                    Some(ProviderFrom::ModelPrefix) => {
                        if let Some((pre, rest)) =
                            model_value.as_deref().and_then(|m| m.split_once('/'))
                        {
                            provider = provider.or_else(|| self.provider(pre));
                            model_value = Some(rest.to_string());
                        }
                    }
                    None => {}
                }
                let (key_slot, base_slot, model_slot) = self.slots(provider);
                let mut members = Vec::new();
                for (names, slot) in [(&e.key, &key_slot), (&e.base_url, &base_slot)] {
                    if let Some((k, v)) = field(names) {
                        if let Some(i) = self.assign(slot, k.as_str().unwrap_or(slot), k, v) {
                            members.push(i);
                        }
                    }
                }
                // `env_key = "ZHIPU_API_KEY"`: the field names the variable
                if let Some((k, Node::Scalar { value, span, style })) = field(&e.key_env)
                    && !value.trim().is_empty()
                {
                    let name = value.trim();
                    let cs = content_span(self.text, value, *style, *span);
                    self.s.refs.push(RefUse {
                        name: name.to_string(),
                        span: cs,
                        syntax: k.as_str().unwrap_or("env_key").to_string(),
                        has_default: false,
                    });
                    members.push(self.push(
                        key_slot.clone(),
                        k.span(),
                        SecretStr::default(),
                        cs,
                        ValueSource::EnvRef(name.to_string()),
                    ));
                }
                if let (Some((k, v)), Some(mv)) = (model, model_value) {
                    let cs = match v {
                        Node::Scalar { value, style, span } => {
                            let full = content_span(self.text, value, *style, *span);
                            // the model after its routing prefix
                            let skip = value.len().saturating_sub(mv.len());
                            if full.len() == value.len() {
                                Span::new(full.start as usize + skip, full.end as usize)
                            } else {
                                full
                            }
                        }
                        _ => v.span(),
                    };
                    members.push(self.push(
                        model_slot,
                        k.span(),
                        SecretStr::new(mv),
                        cs,
                        ValueSource::Literal,
                    ));
                }
                for (field, env) in &e.names {
                    if let Some((k, v)) = node.entry(field) {
                        if let Some(i) = self.assign(env, field, k, v) {
                            members.push(i);
                        }
                    }
                }
                if !members.is_empty() {
                    let label = match (&star, provider) {
                        (Some(s), _) => format!("{} `{s}`", self.tool.name),
                        (None, Some(p)) => {
                            format!("{} {} entry", self.tool.name, self.catalog.provider(p).name)
                        }
                        (None, None) => format!("{} entry", self.tool.name),
                    };
                    self.facts.scopes.push(FileScope { label, members });
                }
            }
        }
    }

    fn provider(&self, name: &str) -> Option<usize> {
        let n = name.trim().to_ascii_lowercase();
        let id = TOOLS
            .provider_aliases
            .get(&n)
            .map_or(n.as_str(), String::as_str);
        self.catalog.index_of(id)
    }

    /// Env names for an entry's key, base URL and model, after its provider.
    fn slots(&self, provider: Option<usize>) -> (String, String, String) {
        let generic = || {
            (
                "LLM_API_KEY".to_string(),
                "LLM_BASE_URL".to_string(),
                "LLM_MODEL".to_string(),
            )
        };
        let Some(p) = provider else { return generic() };
        let prov = self.catalog.provider(p);
        let upper = prov.id.to_ascii_uppercase().replace('-', "_");
        (
            prov.key_env
                .first()
                .cloned()
                .unwrap_or_else(|| format!("{upper}_API_KEY")),
            prov.base_url_env
                .first()
                .cloned()
                .unwrap_or_else(|| format!("{upper}_BASE_URL")),
            prov.model_env
                .first()
                .cloned()
                .unwrap_or_else(|| format!("{upper}_MODEL")),
        )
    }

    /// One `name: value` scalar as an assignment, its references read in the tool's syntax.
    fn assign(&mut self, name: &str, field: &str, k: &Node, v: &Node) -> Option<usize> {
        let Node::Scalar { value, style, span } = v else {
            return None;
        };
        let source = self.references(field, value, *style, *span);
        let cs = content_span(self.text, value, *style, *span);
        Some(self.push(
            name.to_string(),
            k.span(),
            SecretStr::new(value.as_str()),
            cs,
            source,
        ))
    }

    fn push(
        &mut self,
        name: String,
        name_span: Span,
        value: SecretStr,
        value_span: Span,
        source: ValueSource,
    ) -> usize {
        let quote = if self
            .text
            .get(value_span.start.saturating_sub(1) as usize..value_span.start as usize)
            == Some("\"")
        {
            Quote::Double
        } else {
            Quote::None
        };
        let stmt = Span::new(
            name_span.start.min(value_span.start) as usize,
            value_span.end.max(name_span.end) as usize,
        );
        self.facts.assignments.push(Assignment {
            name,
            name_span,
            value,
            value_span,
            quote,
            source,
            stmt_span: stmt,
        });
        self.facts.assignments.len() - 1
    }

    /// Read the references in one value; record expanded ones and ones sent literally.
    fn references(&mut self, field: &str, value: &str, style: Style, span: Span) -> ValueSource {
        let cs = content_span(self.text, value, style, span);
        let exact = cs.len() == value.len();
        let at = |s: usize, e: usize| {
            if exact {
                Span::new(cs.start as usize + s, cs.start as usize + e)
            } else {
                cs
            }
        };
        let trimmed = value.trim();
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let (mut env_whole, mut other_whole, mut any_supported, mut any_unsupported) =
            (None, false, false, false);
        for syn in &TOOLS.syntaxes {
            for c in syn.re.captures_iter(value) {
                let (Some(m), Some(name)) = (c.get(0), c.get(1)) else {
                    continue;
                };
                // the syntax proper starts at `$` or `{` (some patterns eat one char before)
                let start = value[m.start()..m.end()]
                    .find(['$', '{', 'o'])
                    .map_or(m.start(), |o| m.start() + o);
                if taken.iter().any(|&(s, e)| start < e && m.end() > s) {
                    continue;
                }
                taken.push((start, m.end()));
                let whole = value[..start].trim().is_empty() && value[m.end()..].trim().is_empty();
                let supported = self.tool.refs.contains(&syn.id);
                if syn.id == "bare-dollar"
                    && !(value[m.end()..].trim().is_empty()
                        && (whole || value[..start].ends_with(' ')))
                {
                    continue; // `$` inside a password is not a reference
                }
                if supported {
                    any_supported = true;
                    if syn.names_env {
                        self.s.refs.push(RefUse {
                            name: name.as_str().to_string(),
                            span: at(start, m.end()),
                            syntax: syn.label.clone(),
                            has_default: m.as_str().contains(":-") || m.as_str().contains("-}"),
                        });
                        if whole {
                            env_whole = Some(name.as_str().to_string());
                        }
                    } else if whole {
                        other_whole = true;
                    }
                } else {
                    any_unsupported = true;
                    self.s.unexpanded.push(Unexpanded {
                        span: at(start, m.end()),
                        written: value[start..m.end()].to_string(),
                        syntax: syn.label.clone(),
                        supported: self
                            .tool
                            .refs
                            .iter()
                            .filter_map(|r| TOOLS.syntax(r))
                            .filter(|s| s.names_env)
                            .map(|s| s.label.clone())
                            .collect(),
                        field: field.to_string(),
                    });
                }
            }
        }
        let _ = trimmed;
        match (env_whole, other_whole, any_supported, any_unsupported) {
            (_, _, _, true) | (_, true, _, _) => ValueSource::Expression,
            (Some(n), ..) => ValueSource::EnvRef(n),
            (None, _, true, _) => ValueSource::Interpolated,
            _ => ValueSource::Literal,
        }
    }
}

/// Is this field name one that holds a credential?
pub fn key_like_field(field: &str) -> bool {
    let f: String = field
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if f.ends_with("env")
        || f.ends_with("envvar")
        || f.contains("tokens")
        || f.starts_with("env")
        || f.ends_with("helper")
        || f.ends_with("file")
        || f.ends_with("path")
        || f.ends_with("url")
    {
        return false;
    }
    [
        "apikey",
        "token",
        "secret",
        "password",
        "authorization",
        "bearer",
        "accesskey",
        "masterkey",
    ]
    .iter()
    .any(|w| f.contains(w))
        || f.ends_with("key")
}

/// A random-looking credential: long, no spaces, letters and digits, high entropy.
fn high_entropy(v: &str) -> bool {
    if v.len() < 20
        || v.len() > 512
        || v.contains(char::is_whitespace)
        || v.contains("://")
        || crate::values::is_placeholder(v)
    {
        return false;
    }
    let has_digit = v.bytes().any(|b| b.is_ascii_digit());
    let has_alpha = v.bytes().any(|b| b.is_ascii_alphabetic());
    if !(has_digit && has_alpha) {
        return false;
    }
    let mut counts = [0u32; 256];
    for b in v.bytes() {
        counts[b as usize] += 1;
    }
    let n = v.len() as f64;
    let h: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    h >= 3.5
}

/// Every string leaf that is a credential written in clear.
fn walk_secrets(
    text: &str,
    catalog: &Catalog,
    node: &Node,
    field: &str,
    out: &mut Vec<SecretLiteral>,
) {
    match node {
        Node::Scalar { value, style, span } => {
            let mut v: Cow<str> = Cow::Borrowed(value.trim());
            if let Some(rest) = v
                .strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
            {
                v = Cow::Owned(rest.trim().to_string());
            }
            if v.contains('$') || v.contains("{env:") || v.contains("os.environ/") {
                return;
            }
            let shaped = catalog
                .classify_token(&v)
                .is_some_and(|t| catalog.token_prefixed(&t));
            let live = crate::values::looks_live(&v);
            if live && (shaped || (key_like_field(field) && high_entropy(&v))) {
                out.push(SecretLiteral {
                    span: content_span(text, value, *style, *span),
                    field: field.to_string(),
                    value: SecretStr::new(value.as_str()),
                });
            }
        }
        Node::Seq { items, .. } => items
            .iter()
            .for_each(|i| walk_secrets(text, catalog, i, field, out)),
        Node::Map { entries, .. } => {
            for (k, v) in entries {
                walk_secrets(text, catalog, v, k.as_str().unwrap_or(field), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(path: &str, text: &str) -> (FileFacts, SettingsFacts) {
        let c = Catalog::builtin().expect("catalog");
        let f = parse(path, text, &c);
        let s = match &f.outline {
            Outline::Settings(s) => (**s).clone(),
            _ => panic!("not settings: {:?}", f.parse_issues),
        };
        (f, s)
    }

    #[test]
    fn jsonc_spans_land_inside_quotes_with_comments_and_trailing_commas() {
        let text = "{\n  // team settings\n  \"env\": {\n    \"ANTHROPIC_BASE_URL\": \"https://open.bigmodel.cn/api/anthropic\", /* glm */\n  },\n}\n";
        let (f, _) = settings(".claude/settings.json", text);
        let a = &f.assignments[0];
        assert_eq!(a.name, "ANTHROPIC_BASE_URL");
        assert_eq!(
            &text[a.value_span.range()],
            "https://open.bigmodel.cn/api/anthropic"
        );
        assert_eq!(&text[a.name_span.range()], "\"ANTHROPIC_BASE_URL\"");
    }

    #[test]
    fn toml_spans_and_env_key() {
        let text = "[model_providers.zhipu]\nbase_url = \"https://open.bigmodel.cn/api/paas/v3\"\nenv_key = \"ZHIPU_API_KEY\"\n";
        let (f, s) = settings(".codex/config.toml", text);
        let base = f
            .assignments
            .iter()
            .find(|a| a.name == "ZHIPU_BASE_URL" || a.name.ends_with("BASE_URL"))
            .expect("base");
        assert_eq!(
            &text[base.value_span.range()],
            "https://open.bigmodel.cn/api/paas/v3"
        );
        assert_eq!(s.refs[0].name, "ZHIPU_API_KEY");
        assert_eq!(f.scopes.len(), 1);
    }

    #[test]
    fn references_by_tool_syntax() {
        let text =
            r#"{"mcpServers": {"a": {"env": {"A": "${env:X}", "B": "${Y}", "C": "{env:Z}"}}}}"#;
        let (f, s) = settings(".cursor/mcp.json", text);
        assert_eq!(
            s.refs.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["X"]
        );
        let mut un: Vec<_> = s.unexpanded.iter().map(|u| u.written.as_str()).collect();
        un.sort();
        assert_eq!(un, ["${Y}", "{env:Z}"]);
        assert!(matches!(f.assignments[0].source, ValueSource::EnvRef(ref n) if n == "X"));
        assert!(matches!(f.assignments[1].source, ValueSource::Expression));
        let (_, s) = settings(
            ".mcp.json",
            r#"{"mcpServers": {"a": {"env": {"A": "${X:-d}", "B": "$Y", "P": "pa$$word1"}}}}"#,
        );
        assert!(s.refs[0].has_default);
        assert_eq!(
            s.unexpanded
                .iter()
                .map(|u| u.written.as_str())
                .collect::<Vec<_>>(),
            ["$Y"]
        );
    }

    #[test]
    fn litellm_needs_model_list_and_strips_prefix() {
        let (f, _) = settings(
            "config.yaml",
            "model_list:\n  - model_name: x\n    litellm_params:\n      model: openrouter/anthropic/claude-3.5-sonnet\n      api_key: os.environ/OPENAI_API_KEY\n",
        );
        let m = f
            .assignments
            .iter()
            .find(|a| a.name.ends_with("MODEL"))
            .expect("model");
        assert_eq!(m.value.expose(), "anthropic/claude-3.5-sonnet");
        assert!(
            f.assignments
                .iter()
                .any(|a| matches!(&a.source, ValueSource::EnvRef(n) if n == "OPENAI_API_KEY"))
        );
        let c = Catalog::builtin().expect("catalog");
        let other = parse("config.yaml", "server:\n  port: 8080\n", &c);
        assert!(matches!(other.outline, Outline::None) && other.parse_issues.is_empty());
        let broken = parse("config.yaml", "a: [\n", &c);
        assert!(
            broken.parse_issues.is_empty(),
            "a generic config.yaml that fails to parse is not ours"
        );
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let c = Catalog::builtin().expect("catalog");
        let deep = "[".repeat(100_000);
        assert!(!parse(".vscode/mcp.json", &deep, &c).parse_issues.is_empty());
        assert!(
            !parse(".codex/config.toml", &format!("a = {deep}"), &c)
                .parse_issues
                .is_empty()
        );
        for t in [
            "{",
            "{\"env\": {\"A\": }",
            "{\"env\": [1, 2,,]}",
            "\u{feff}{}",
            "{\"env\":{\"A\":\"\\ud800\"}}",
            "null",
            "[]",
        ] {
            let _ = parse(".claude/settings.json", t, &c);
        }
        let _ = parse(".codex/config.toml", "[a\nb = \"\n", &c);
    }

    #[test]
    fn key_like_fields() {
        for f in [
            "apiKey",
            "api_key",
            "openAiApiKey",
            "ANTHROPIC_AUTH_TOKEN",
            "X-Api-Key",
            "Authorization",
            "master_key",
        ] {
            assert!(key_like_field(f), "{f}");
        }
        for f in [
            "env_key",
            "bearer_token_env_var",
            "max_tokens",
            "apiKeyHelper",
            "base_url",
            "model",
        ] {
            assert!(!key_like_field(f), "{f}");
        }
    }
}
