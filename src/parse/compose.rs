//! Compose files → facts: each service's `environment` (map and list form), `env_file`
//! (string, list, long form), `build` (context, dockerfile, `args` map and list, `secrets`),
//! and every `${VAR}` interpolation with whether it has a default.

use crate::facts::{Assignment, FileFacts, ParseIssue, Quote, ValueSource};
use crate::parse::yaml::{self, Node, Style};
use crate::redact::SecretStr;
use crate::source::Span;

use crate::facts::compose::{Build, Compose, EnvFile, Interpolation, Service};

/// Names a commented-out environment entry documents (`# - OPENAI_API_KEY=…`,
/// `#   OPENAI_BASE_URL: ${OPENAI_BASE_URL}`): the service can take them.
fn documented(text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let t = line.trim_start();
        let Some(body) = t.strip_prefix('#') else {
            continue;
        };
        let body = body.trim_start();
        let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
        let n = body
            .bytes()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
            .count();
        if n < 2 || body.as_bytes()[0].is_ascii_digit() {
            continue;
        }
        if matches!(body.as_bytes().get(n), Some(b'=' | b':')) {
            let off = start + (line.len() - body.len());
            out.push((body[..n].to_string(), Span::new(off, off + n)));
        }
    }
    out
}

pub fn parse(text: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            facts.parse_issues.push(ParseIssue {
                span: e.span,
                message: format!("invalid YAML: {}", e.message),
            });
            return facts;
        }
    };
    let mut c = Compose::default();
    interpolations(text, &root, &mut c.interpolations);
    facts.documented = documented(text);
    for (k, svc) in root.get("services").map_or(&[][..], Node::entries) {
        let Some(name) = k.as_str() else { continue };
        let mut s = Service {
            name: name.to_string(),
            name_span: k.span(),
            env: Vec::new(),
            list_form: Vec::new(),
            env_files: Vec::new(),
            build: None,
        };
        if let Some(env) = svc.get("environment") {
            let (all, list) = entries(text, env, &mut facts);
            s.env = all;
            s.list_form = list;
        }
        match svc.get("env_file") {
            Some(Node::Scalar { value, span, .. }) => s.env_files.push(EnvFile {
                path: value.clone(),
                span: *span,
                required: true,
            }),
            Some(Node::Seq { items, .. }) => {
                for i in items {
                    match i {
                        Node::Scalar { value, span, .. } => s.env_files.push(EnvFile {
                            path: value.clone(),
                            span: *span,
                            required: true,
                        }),
                        Node::Map { .. } => {
                            if let Some(Node::Scalar { value, span, .. }) = i.get("path") {
                                let required =
                                    i.get("required").and_then(Node::as_str) != Some("false");
                                s.env_files.push(EnvFile {
                                    path: value.clone(),
                                    span: *span,
                                    required,
                                });
                            }
                        }
                        Node::Seq { .. } => {}
                    }
                }
            }
            _ => {}
        }
        match svc.get("build") {
            Some(Node::Scalar { value, .. }) => {
                s.build = Some(Build {
                    context: value.clone(),
                    ..Build::default()
                })
            }
            Some(b @ Node::Map { .. }) => {
                let mut build = Build {
                    context: b
                        .get("context")
                        .and_then(Node::as_str)
                        .unwrap_or(".")
                        .to_string(),
                    dockerfile: b.get("dockerfile").and_then(Node::as_str).map(String::from),
                    args: Vec::new(),
                };
                if let Some(args) = b.get("args") {
                    build.args = entries(text, args, &mut facts).0;
                }
                s.build = Some(build);
            }
            _ => {}
        }
        c.services.push(s);
    }
    facts.outline = crate::facts::Outline::Compose(Box::new(c));
    facts
}

/// `KEY: value` map entries or `- KEY=value` list entries → assignments. Returns (all, list-form).
fn entries(text: &str, node: &Node, facts: &mut FileFacts) -> (Vec<usize>, Vec<usize>) {
    let mut all = Vec::new();
    let mut list = Vec::new();
    match node {
        Node::Map { entries, .. } => {
            for (k, v) in entries {
                let Some(name) = k.as_str() else { continue };
                let (value, style, span) = match v {
                    Node::Scalar { value, style, span }
                        if !(value.is_empty() && *style == Style::Plain && span.is_empty()) =>
                    {
                        (value.clone(), *style, *span)
                    }
                    // `KEY:` with no value passes the variable through from the shell
                    _ => (
                        String::new(),
                        Style::Plain,
                        Span::new(k.span().end as usize, k.span().end as usize),
                    ),
                };
                let passthrough = matches!(v, Node::Scalar { value, style: Style::Plain, .. } if value.is_empty() || value == "~" || value == "null");
                let (vspan, quote) = inner_span(text, style, span);
                all.push(push(
                    facts,
                    name,
                    k.span(),
                    value,
                    vspan,
                    quote,
                    passthrough,
                ));
            }
        }
        Node::Seq { items, .. } => {
            for i in items {
                let Node::Scalar { value, style, span } = i else {
                    continue;
                };
                let (inner, _) = inner_span(text, *style, *span);
                let exact = text.get(inner.range()) == Some(value.as_str());
                let (name, v) = value
                    .split_once('=')
                    .map_or((value.as_str(), None), |(n, v)| (n, Some(v)));
                let ns = if exact {
                    Span::new(inner.start as usize, inner.start as usize + name.len())
                } else {
                    *span
                };
                let (vspan, vq) = match v {
                    Some(v) if exact => {
                        let s = inner.start as usize + name.len() + 1;
                        let q = match (v.chars().next(), v.chars().last()) {
                            (Some('"'), Some('"')) if v.len() >= 2 => Quote::Double,
                            (Some('\''), Some('\'')) if v.len() >= 2 => Quote::Single,
                            _ => Quote::None,
                        };
                        (Span::new(s, s + v.len()), q)
                    }
                    _ => (*span, Quote::None),
                };
                let idx = push(
                    facts,
                    name,
                    ns,
                    v.unwrap_or("").to_string(),
                    vspan,
                    vq,
                    v.is_none(),
                );
                all.push(idx);
                list.push(idx);
            }
        }
        Node::Scalar { .. } => {}
    }
    (all, list)
}

fn inner_span(text: &str, style: Style, span: Span) -> (Span, Quote) {
    if style == Style::Quoted && span.len() >= 2 {
        let q = if text.as_bytes().get(span.start as usize) == Some(&b'\'') {
            Quote::Single
        } else {
            Quote::Double
        };
        (Span::new(span.start as usize + 1, span.end as usize - 1), q)
    } else {
        (span, Quote::None)
    }
}

fn push(
    facts: &mut FileFacts,
    name: &str,
    name_span: Span,
    value: String,
    value_span: Span,
    quote: Quote,
    passthrough: bool,
) -> usize {
    let source = if passthrough {
        ValueSource::EnvRef(name.to_string())
    } else if value.contains('$') {
        crate::parse::dotenv::decode_refs(&value, false).1
    } else {
        ValueSource::Literal
    };
    facts.assignments.push(Assignment {
        name: name.to_string(),
        name_span,
        value: SecretStr::new(value),
        value_span,
        quote,
        source,
        stmt_span: Span::new(
            name_span.start as usize,
            value_span.end.max(name_span.end) as usize,
        ),
    });
    facts.assignments.len() - 1
}

fn interpolations(text: &str, node: &Node, out: &mut Vec<Interpolation>) {
    match node {
        Node::Scalar { value, style, span } => {
            let b = value.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] != b'$' {
                    i += 1;
                    continue;
                }
                if b.get(i + 1) == Some(&b'$') {
                    i += 2;
                    continue;
                }
                let (name, op, end) = if b.get(i + 1) == Some(&b'{') {
                    let close = value[i..].find('}').map_or(b.len(), |c| i + c);
                    let body = &value[(i + 2).min(close)..close];
                    let n_end = body
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(body.len());
                    (&body[..n_end], &body[n_end..], close + 1)
                } else {
                    let rest = &value[i + 1..];
                    let n_end = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    (&rest[..n_end], "", i + 1 + n_end)
                };
                if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) {
                    let sc = crate::facts::workflow::Scalar {
                        value: value.clone(),
                        style: *style,
                        span: *span,
                    };
                    out.push(Interpolation {
                        name: name.to_string(),
                        span: sc.source_span(text, i, end.min(value.len())),
                        has_default: op.starts_with(":-")
                            || op.starts_with('-')
                            || op.starts_with(":+")
                            || op.starts_with('+'),
                    });
                }
                i = end.max(i + 1);
            }
        }
        Node::Seq { items, .. } => items.iter().for_each(|n| interpolations(text, n, out)),
        Node::Map { entries, .. } => entries
            .iter()
            .for_each(|(_, v)| interpolations(text, v, out)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services() {
        let text = "services:\n  api:\n    build:\n      context: ./api\n      args:\n        - OPENAI_API_KEY=${OPENAI_API_KEY}\n    env_file:\n      - .env\n      - path: ./extra.env\n        required: false\n    environment:\n      OPENAI_BASE_URL: http://litellm:4000\n      PASS:\n  litellm:\n    image: ghcr.io/berriai/litellm\n    environment:\n      - ANTHROPIC_API_KEY=\"quoted\"\n      - LOG=${LOG_LEVEL:-info}\n";
        let f = parse(text);
        assert!(f.parse_issues.is_empty(), "{:?}", f.parse_issues);
        let c = f.compose().expect("compose");
        assert_eq!(c.services.len(), 2);
        let api = &c.services[0];
        assert_eq!(
            api.env_files
                .iter()
                .map(|e| e.path.as_str())
                .collect::<Vec<_>>(),
            [".env", "./extra.env"]
        );
        assert!(!api.env_files[1].required);
        assert_eq!(
            api.build.as_ref().map(|b| b.context.as_str()),
            Some("./api")
        );
        let lit = &c.services[1];
        let a = &f.assignments[lit.list_form[0]];
        assert_eq!(
            (a.name.as_str(), a.value.expose(), a.quote),
            ("ANTHROPIC_API_KEY", "\"quoted\"", Quote::Double)
        );
        assert_eq!(&text[a.value_span.range()], "\"quoted\"");
        let names: Vec<_> = c
            .interpolations
            .iter()
            .map(|i| (i.name.as_str(), i.has_default))
            .collect();
        assert_eq!(names, [("OPENAI_API_KEY", false), ("LOG_LEVEL", true)]);
        assert_eq!(&text[c.interpolations[0].span.range()], "${OPENAI_API_KEY}");
    }
}
