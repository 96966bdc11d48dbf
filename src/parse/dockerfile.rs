//! Dockerfiles → facts. A small parser of our own: no maintained Rust crate gives byte spans
//! for instruction arguments, and keylint needs exactly those (the `ENV` value, the `COPY`
//! source). Handles parser directives (`# escape=`), line continuations (with comment lines
//! inside them, which Docker drops), heredocs, JSON and shell forms, stages with names, `ARG`
//! before `FROM`, and `RUN --mount` flags.

use crate::facts::{Assignment, FileFacts, FileScope, ParseIssue, Quote, ValueSource};
use crate::redact::SecretStr;
use crate::source::Span;

use crate::facts::dockerfile::{CopyInstr, CopySource, Dockerfile, RunInstr, Stage};

/// One logical instruction: its text with continuations joined, and where each piece came from.
struct Logical {
    text: String,
    /// (logical offset, source offset) at the start of each joined piece
    pieces: Vec<(usize, usize)>,
    span: Span,
}

impl Logical {
    fn source(&self, logical: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|(l, _)| *l <= logical)
            .saturating_sub(1);
        let (l, s) = self.pieces[i];
        s + (logical - l)
    }
    fn span(&self, start: usize, end: usize) -> Span {
        let s = self.source(start);
        Span::new(s, self.source(end.max(start)).max(s))
    }
}

pub fn parse(text: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let mut df = Dockerfile::default();
    let escape = directive_escape(text);
    let lines: Vec<(usize, &str)> = {
        let mut at = 0;
        text.split_inclusive('\n')
            .map(|l| {
                let r = (at, l.trim_end_matches(['\n', '\r']));
                at += l.len();
                r
            })
            .collect()
    };
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        i += 1;
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let lead = line.len() - t.len();
        let mut lg = Logical {
            text: String::new(),
            pieces: vec![(0, start + lead)],
            span: Span::default(),
        };
        let mut cur = t;
        let mut end = start + line.len();
        loop {
            let trimmed = cur.trim_end();
            if let Some(body) = trimmed.strip_suffix(escape) {
                lg.text.push_str(body);
                // continuation: skip comment and empty lines, as Docker does
                while i < lines.len() && {
                    let n = lines[i].1.trim_start();
                    n.starts_with('#') || n.is_empty()
                } {
                    i += 1;
                }
                if i >= lines.len() {
                    break;
                }
                let (s, l) = lines[i];
                i += 1;
                lg.pieces.push((lg.text.len(), s));
                cur = l;
                end = s + l.len();
            } else {
                lg.text.push_str(cur);
                break;
            }
        }
        // heredocs: the body lines belong to this instruction
        for delim in heredoc_delims(&lg.text) {
            let mut closed = false;
            while i < lines.len() {
                let (s, l) = lines[i];
                i += 1;
                end = s + l.len();
                if l.trim_start_matches('\t') == delim {
                    closed = true;
                    break;
                }
            }
            if !closed {
                facts.parse_issues.push(ParseIssue {
                    span: Span::new(start, start + line.len()),
                    message: format!("heredoc `{delim}` is never closed"),
                });
            }
        }
        lg.span = Span::new(start + lead, end);
        instruction(text, &lg, &mut facts, &mut df);
    }
    // one scope per stage: its ARG defaults and ENV (and those of the stage it builds FROM)
    for (si, st) in df.stages.iter().enumerate() {
        let mut members = Vec::new();
        if let Some(base) = df.stages[..si].iter().position(|b| {
            b.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&st.base))
        }) {
            members.extend(&df.stages[base].envs);
        }
        members.extend(&st.args);
        members.extend(&st.envs);
        if !members.is_empty() {
            let label = st
                .name
                .clone()
                .map_or_else(|| format!("stage {}", si + 1), |n| format!("stage `{n}`"));
            facts.scopes.push(FileScope { label, members });
        }
    }
    facts.outline = crate::facts::Outline::Dockerfile(Box::new(df));
    facts
}

fn directive_escape(text: &str) -> char {
    for line in text.lines() {
        let t = line.trim();
        let Some(d) = t.strip_prefix('#') else { break };
        let Some((k, v)) = d.split_once('=') else {
            break;
        };
        if k.trim().eq_ignore_ascii_case("escape") {
            return if v.trim() == "`" { '`' } else { '\\' };
        }
    }
    '\\'
}

fn heredoc_delims(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("<<") {
        let after = rest[i + 2..].trim_start_matches('-');
        let word: String = after
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !word.is_empty() && word.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            out.push(word);
        }
        rest = &rest[i + 2..];
    }
    out
}

/// Whitespace-separated words with their logical ranges, quotes kept.
fn words(s: &str, base: usize) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        let mut quote = None;
        while i < b.len() {
            match (quote, b[i]) {
                (None, b'"' | b'\'') => quote = Some(b[i]),
                (Some(q), c) if c == q => quote = None,
                (Some(b'"'), b'\\') => i += 1,
                (None, c) if c.is_ascii_whitespace() => break,
                _ => {}
            }
            i += 1;
        }
        let i2 = i.min(b.len());
        out.push((s[start..i2].to_string(), base + start, base + i2));
    }
    out
}

fn instruction(text: &str, lg: &Logical, facts: &mut FileFacts, df: &mut Dockerfile) {
    let t = lg.text.as_str();
    let kw_end = t.find(char::is_whitespace).unwrap_or(t.len());
    let kw = t[..kw_end].to_ascii_uppercase();
    let args_start = kw_end + (t[kw_end..].len() - t[kw_end..].trim_start().len());
    let args = &t[args_start..];
    match kw.as_str() {
        "FROM" => {
            let w = words(args, args_start);
            let w: Vec<_> = w
                .into_iter()
                .filter(|(x, _, _)| !x.starts_with("--"))
                .collect();
            let base = w.first().map_or(String::new(), |x| x.0.clone());
            let name = match w.as_slice() {
                [_, a, n, ..] if a.0.eq_ignore_ascii_case("as") => Some(n.0.clone()),
                _ => None,
            };
            df.stages.push(Stage {
                name,
                base,
                from_span: lg.span,
                ..Stage::default()
            });
        }
        "ARG" => {
            for (word, s, e) in words(args, args_start) {
                let (name, value) = word
                    .split_once('=')
                    .map_or((word.as_str(), None), |(n, v)| (n, Some(v)));
                let name_end = s + name.len();
                let idx = push_assignment(
                    facts,
                    lg,
                    name,
                    (s, name_end),
                    value.map(|v| (v, name_end + 1, e)),
                    true,
                );
                match df.stages.last_mut() {
                    Some(st) => st.args.push(idx),
                    None => df.global_args.push(idx),
                }
            }
        }
        "ENV" => {
            let ws = words(args, args_start);
            let legacy = ws.first().is_some_and(|w| !w.0.contains('='));
            let pairs: Vec<(String, usize, usize)> = if legacy {
                // `ENV NAME value with spaces`
                let (n, s, e) = ws[0].clone();
                let vstart = (e - args_start)
                    + (args[e - args_start..].len() - args[e - args_start..].trim_start().len());
                vec![(
                    format!("{n}={}", &args[vstart..]),
                    s,
                    args_start + args.len(),
                )]
            } else {
                ws
            };
            for (word, s, e) in pairs {
                let Some((name, value)) = word.split_once('=') else {
                    continue;
                };
                let name_end = s + name.len();
                let vstart = if legacy {
                    e - value.len()
                } else {
                    name_end + 1
                };
                let idx = push_assignment(
                    facts,
                    lg,
                    name,
                    (s, name_end),
                    Some((value, vstart, e)),
                    false,
                );
                if let Some(st) = df.stages.last_mut() {
                    st.envs.push(idx);
                }
            }
        }
        "COPY" | "ADD" => {
            let mut from = None;
            let mut rest: Vec<(String, usize, usize)> = Vec::new();
            if args.trim_start().starts_with('[') || args.contains("[\"") {
                for (w, s, e) in words(args, args_start) {
                    if let Some(f) = w.strip_prefix("--from=") {
                        from = Some(f.to_string());
                    } else if w.starts_with("--") {
                    } else {
                        rest.extend(json_strings(&w, s).into_iter().filter(|x| e >= x.2));
                    }
                }
            } else {
                for (w, s, e) in words(args, args_start) {
                    if let Some(f) = w.strip_prefix("--from=") {
                        from = Some(f.to_string());
                    } else if !w.starts_with("--") && !w.starts_with("<<") {
                        rest.push((w.trim_matches(['"', '\'']).to_string(), s, e));
                    }
                }
            }
            rest.pop(); // destination
            let sources = rest
                .into_iter()
                .map(|(p, s, e)| CopySource {
                    path: p,
                    span: lg.span(s, e),
                })
                .collect();
            if let Some(st) = df.stages.last_mut() {
                st.copies.push(CopyInstr {
                    add: kw == "ADD",
                    from,
                    sources,
                    span: lg.span,
                });
            }
        }
        "RUN" => {
            let mut secret_mounts = Vec::new();
            for (w, _, _) in words(args, args_start) {
                let Some(m) = w.strip_prefix("--mount=") else {
                    if !w.starts_with("--") {
                        break;
                    }
                    continue;
                };
                let kv: Vec<(&str, &str)> =
                    m.split(',').filter_map(|p| p.split_once('=')).collect();
                if kv.iter().any(|(k, v)| *k == "type" && *v == "secret") {
                    let id = kv.iter().find(|(k, _)| *k == "id").map_or("", |(_, v)| v);
                    secret_mounts.push(id.to_string());
                }
            }
            if let Some(st) = df.stages.last_mut() {
                st.runs.push(RunInstr {
                    span: lg.span,
                    secret_mounts,
                });
            }
        }
        _ => {}
    }
    let _ = text;
}

/// The strings of a JSON array word (`["a","b"]`) with logical ranges.
fn json_strings(w: &str, base: usize) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = w.as_bytes();
    while i < b.len() {
        if b[i] == b'"' {
            let s = i + 1;
            let mut j = s;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let j = j.min(b.len());
            out.push((w[s..j].to_string(), base + s, base + j));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn push_assignment(
    facts: &mut FileFacts,
    lg: &Logical,
    name: &str,
    name_at: (usize, usize),
    value: Option<(&str, usize, usize)>,
    is_arg: bool,
) -> usize {
    let (raw, vs, ve) = value.unwrap_or(("", name_at.1, name_at.1));
    let (inner, quote, off) = match raw.as_bytes().first() {
        Some(b'"') if raw.len() >= 2 && raw.ends_with('"') => {
            (&raw[1..raw.len() - 1], Quote::Double, 1)
        }
        Some(b'\'') if raw.len() >= 2 && raw.ends_with('\'') => {
            (&raw[1..raw.len() - 1], Quote::Single, 1)
        }
        _ => (raw, Quote::None, 0),
    };
    let (decoded, mut source) = if quote == Quote::Single {
        (inner.to_string(), ValueSource::Literal)
    } else {
        crate::parse::dotenv::decode_refs(inner, quote == Quote::Double)
    };
    if is_arg && value.is_none() {
        // `ARG NAME`: supplied with --build-arg at build time
        source = ValueSource::Expression;
    }
    let value_span = lg.span(vs + off, (ve - off).max(vs + off));
    facts.assignments.push(Assignment {
        name: name.to_string(),
        name_span: lg.span(name_at.0, name_at.1),
        value: SecretStr::new(decoded),
        value_span,
        quote,
        source,
        stmt_span: lg.span,
    });
    facts.assignments.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_args_envs_copies() {
        let text = "# syntax=docker/dockerfile:1\nARG BASE=node:20\nFROM ${BASE} AS deps\nARG OPENAI_API_KEY\nENV A=1 \\\n    # a comment inside\n    B=\"two words\"\nENV LEGACY value with spaces\nFROM deps AS app\nCOPY --from=deps /x /y\nCOPY .env ./\nCOPY [\"a b\", \"c\", \"/dst/\"]\nRUN --mount=type=secret,id=openai,env=OPENAI_API_KEY npm run build\nRUN <<EOF\necho hi\nEOF\nENV AFTER=1\n";
        let f = parse(text);
        assert!(f.parse_issues.is_empty(), "{:?}", f.parse_issues);
        let d = f.dockerfile().expect("dockerfile");
        assert_eq!(d.global_args.len(), 1);
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[0].name.as_deref(), Some("deps"));
        let names: Vec<_> = f
            .assignments
            .iter()
            .map(|a| (a.name.as_str(), a.value.expose()))
            .collect();
        assert_eq!(
            names,
            [
                ("BASE", "node:20"),
                ("OPENAI_API_KEY", ""),
                ("A", "1"),
                ("B", "two words"),
                ("LEGACY", "value with spaces"),
                ("AFTER", "1")
            ]
        );
        let b = &f.assignments[3];
        assert_eq!(&text[b.value_span.range()], "two words");
        let app = &d.stages[1];
        assert_eq!(app.copies[0].from.as_deref(), Some("deps"));
        assert_eq!(app.copies[1].sources[0].path, ".env");
        assert_eq!(&text[app.copies[1].sources[0].span.range()], ".env");
        assert_eq!(
            app.copies[2]
                .sources
                .iter()
                .map(|s| s.path.as_str())
                .collect::<Vec<_>>(),
            ["a b", "c"]
        );
        assert_eq!(app.runs[0].secret_mounts, ["openai"]);
        assert_eq!(app.envs.len(), 1, "heredoc body is not an instruction");
        // stage `app` builds FROM deps: its scope includes deps' ENV
        assert!(
            f.scopes
                .iter()
                .any(|s| s.label == "stage `app`" && s.members.len() == 4)
        );
    }

    #[test]
    fn bad_input() {
        for t in [
            "RUN <<EOF\nno end",
            "ENV",
            "ARG",
            "COPY",
            "FROM",
            "\\\n\\\n",
            "ENV A=\"unterminated",
            "# escape=`\nRUN a `\n b",
        ] {
            let _ = parse(t);
        }
        assert!(!parse("RUN <<EOF\nno end").parse_issues.is_empty());
    }
}
