//! `.dockerignore`: Docker's own pattern syntax, not gitignore's. Patterns are anchored at the
//! build-context root (`.env` excludes only the root `.env`; `**/.env` excludes all), `**` spans
//! folders, `!` re-includes, the last matching pattern wins, and excluding a folder excludes
//! everything under it.

use regex::Regex;

use crate::facts::FileFacts;
use crate::source::Span;

use crate::facts::dockerignore::{DockerIgnore, Pattern};

fn to_regex(pat: &str) -> Option<Regex> {
    let mut re = String::from("^");
    let chars: Vec<char> = pat.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                if chars.get(i + 1) == Some(&'/') {
                    i += 1;
                    re.push_str("(?:.*/)?");
                } else {
                    re.push_str(".*");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '[' => {
                let end = chars[i..].iter().position(|&x| x == ']').map(|p| i + p)?;
                let class: String = chars[i + 1..end].iter().collect();
                re.push('[');
                re.push_str(&class.replace('\\', "\\\\"));
                re.push(']');
                i = end;
            }
            '\\' if i + 1 < chars.len() => {
                i += 1;
                re.push_str(&regex::escape(&chars[i].to_string()));
            }
            _ => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    Regex::new(&re).ok()
}

pub fn parse(text: &str) -> FileFacts {
    let mut facts = FileFacts::default();
    let mut di = DockerIgnore::default();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let (negate, body) = match t.strip_prefix('!') {
            Some(b) => (true, b.trim()),
            None => (false, t),
        };
        let cleaned = body
            .trim_start_matches('/')
            .trim_start_matches("./")
            .trim_end_matches('/');
        let offset = line.find(t).unwrap_or(0);
        let span = Span::new(start + offset, start + offset + t.len());
        match to_regex(cleaned) {
            Some(re) => di.patterns.push(Pattern {
                raw: t.to_string(),
                negate,
                re,
                span,
            }),
            None => facts.parse_issues.push(crate::facts::ParseIssue {
                span,
                message: format!("invalid .dockerignore pattern `{t}`"),
            }),
        }
    }
    facts.outline = crate::facts::Outline::DockerIgnore(Box::new(di));
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn di(t: &str) -> DockerIgnore {
        match parse(t).outline {
            crate::facts::Outline::DockerIgnore(d) => *d,
            _ => unreachable!("dockerignore outline"),
        }
    }

    #[test]
    fn docker_semantics() {
        let d = di(".env\n");
        assert!(d.excludes(".env"));
        assert!(
            !d.excludes("app/.env"),
            "anchored at the root, unlike gitignore"
        );
        let d = di("**/.env*\n!.env.example\n");
        assert!(d.excludes("app/.env.local") && d.excludes(".env"));
        assert!(!d.excludes(".env.example"));
        let d = di("secrets\n*.md\n");
        assert!(d.excludes("secrets/.env"));
        assert!(d.excludes("README.md") && !d.excludes("docs/README.md"));
        let d = di("*\n!app\n");
        assert!(d.excludes(".env") && !d.excludes("app/main.py"));
    }
}
