//! Python dependency manifests and lockfiles → [`Pin`]s of the catalog's SDK generations: does
//! the project install the old generation of a package (`openai` 0.x), the new one, or either?
//!
//! Versions and specifiers are PEP 440 and parsed by `pep440_rs` (the parser uv and ruff use).
//! The rest is small and hand-written: a requirement line is a name, optional extras and a
//! specifier before any `;` marker (no need for a full PEP 508 parser, which would pull a URL
//! stack in for direct references we skip anyway), and Poetry's `^`/`~` constraints are turned
//! into PEP 440 bounds here. TOML files (`pyproject.toml`, `poetry.lock`, `uv.lock`, `Pipfile`)
//! go through the `toml` crate; spans are found by searching the text for what was parsed.

use std::str::FromStr;

use pep440_rs::{Operator, Version, VersionSpecifiers};

use crate::catalog::Catalog;
use crate::facts::FileFacts;
use crate::facts::deps::{Pin, PinSource};
use crate::source::Span;

/// A manifest or lockfile this front end reads, by file name.
pub fn is_manifest(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name == "poetry.lock"
        || name == "uv.lock"
        || name == "pipfile"
        || (name.starts_with("requirements") && (name.ends_with(".txt") || name.ends_with(".in")))
        || (path.contains("requirements/") && name.ends_with(".txt"))
}

pub fn parse_version(s: &str) -> Option<Version> {
    Version::from_str(s.trim()).ok()
}

/// The front end of a requirements file, a lockfile or a Pipfile: pins, plus key literals
/// (these files used to be read by the literal pass only).
pub fn parse(path: &str, text: &str, catalog: &Catalog) -> FileFacts {
    let mut facts = FileFacts {
        literals: crate::parse::text::scan(text, catalog),
        ..Default::default()
    };
    facts.pins = pins(path, text, catalog);
    facts
}

/// The pins of any manifest kind (`pyproject.toml` included: its settings front end calls this).
pub fn pins(path: &str, text: &str, catalog: &Catalog) -> Vec<Pin> {
    let gens = &catalog.sdk_generations;
    // most manifests name no generation's package: one search before any parsing
    if gens.is_empty()
        || !gens
            .iter()
            .any(|g| memchr::memmem::find(text.as_bytes(), g.package.as_bytes()).is_some())
    {
        return Vec::new();
    }
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let mut out = Vec::new();
    match name.as_str() {
        "poetry.lock" | "uv.lock" => lock_pins(text, catalog, &mut out),
        "pyproject.toml" | "pipfile" => toml_pins(text, catalog, &mut out),
        _ => requirements_pins(text, catalog, &mut out),
    }
    out
}

/// PEP 503 normalized name.
fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['_', '.'], "-")
}

fn generation(catalog: &Catalog, name: &str) -> Option<usize> {
    let n = normalize(name);
    catalog.sdk_generations.iter().position(|g| g.package == n)
}

/// `name[extras] spec ; marker` → (name, spec); `None` for a direct reference (`name @ url`).
fn split_requirement(req: &str) -> Option<(&str, &str)> {
    let req = req.split(';').next().unwrap_or("").trim();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    let (name, mut rest) = req.split_at(end);
    if name.is_empty() {
        return None;
    }
    rest = rest.trim_start();
    if rest.starts_with('[') {
        rest = rest.split_once(']').map_or("", |(_, r)| r).trim_start();
    }
    if rest.starts_with('@') {
        return None;
    }
    // `openai (>=1.0)`: the old parenthesized form
    let rest = rest
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim();
    Some((name, rest))
}

/// Does the specifier allow some version below `boundary`, and some at or above it?
/// `None` when it does not parse.
pub fn sides(spec: &str, boundary: &Version) -> Option<(bool, bool)> {
    let spec = spec.trim();
    if spec.is_empty() || spec == "*" {
        return Some((true, true));
    }
    // Poetry `||`: either side of the union
    if spec.contains("||") {
        let mut acc = (false, false);
        for part in spec.split("||") {
            let (b, a) = sides(part, boundary)?;
            acc = (acc.0 || b, acc.1 || a);
        }
        return Some(acc);
    }
    let mut bounds: Vec<(Operator, Version)> = Vec::new();
    for part in spec.split(',') {
        let part = part.trim();
        if let Some(rest) = part.strip_prefix('^') {
            let v = parse_version(rest)?;
            let upper = caret_upper(v.release());
            bounds.push((Operator::GreaterThanEqual, v));
            bounds.push((Operator::LessThan, upper));
        } else if let Some(rest) = part.strip_prefix('~').filter(|r| !r.starts_with('=')) {
            let v = parse_version(rest)?;
            let r = v.release();
            let upper = bump(r, if r.len() >= 2 { 1 } else { 0 });
            bounds.push((Operator::GreaterThanEqual, v));
            bounds.push((Operator::LessThan, upper));
        } else if part.starts_with(|c: char| c.is_ascii_digit()) {
            // a bare version (Poetry, Pipfile): exactly that one
            bounds.push((Operator::Equal, parse_version(part)?));
        } else {
            for s in VersionSpecifiers::from_str(part).ok()?.iter() {
                bounds.push((*s.operator(), s.version().clone()));
            }
        }
    }
    Some(allowed_sides(&bounds, boundary))
}

/// `^1.2.3` → `<2`, `^0.28` → `<0.29`, `^0.0.3` → `<0.0.4`: the first non-zero part is bumped.
fn caret_upper(r: &[u64]) -> Version {
    let i = r
        .iter()
        .position(|&x| x != 0)
        .unwrap_or(r.len().saturating_sub(1));
    bump(r, i)
}

/// The release with part `i` incremented and everything after it dropped.
fn bump(r: &[u64], i: usize) -> Version {
    let mut parts: Vec<u64> = r.iter().take(i + 1).copied().collect();
    if parts.is_empty() {
        parts.push(0);
    }
    if let Some(last) = parts.last_mut() {
        *last += 1;
    }
    Version::new(parts)
}

/// The interval the bounds leave, compared with the boundary.
fn allowed_sides(bounds: &[(Operator, Version)], boundary: &Version) -> (bool, bool) {
    // (version, inclusive)
    let mut lower: Option<(Version, bool)> = None;
    let mut upper: Option<(Version, bool)> = None;
    let mut raise = |v: &Version, inc: bool| {
        if lower.as_ref().is_none_or(|(l, _)| v > l) {
            lower = Some((v.clone(), inc));
        }
    };
    let mut lows = Vec::new();
    let mut ups = Vec::new();
    for (op, v) in bounds {
        match op {
            Operator::GreaterThanEqual => lows.push((v.clone(), true)),
            Operator::GreaterThan => lows.push((v.clone(), false)),
            Operator::LessThan => ups.push((v.clone(), false)),
            Operator::LessThanEqual => ups.push((v.clone(), true)),
            Operator::Equal | Operator::ExactEqual => {
                lows.push((v.clone(), true));
                ups.push((v.clone(), true));
            }
            Operator::EqualStar => {
                lows.push((v.clone(), true));
                ups.push((
                    bump(v.release(), v.release().len().saturating_sub(1)),
                    false,
                ));
            }
            Operator::TildeEqual => {
                let r = v.release();
                lows.push((v.clone(), true));
                ups.push((bump(r, r.len().saturating_sub(2)), false));
            }
            Operator::NotEqual | Operator::NotEqualStar => {}
        }
    }
    for (v, inc) in &lows {
        raise(v, *inc);
    }
    for (v, inc) in ups {
        if upper.as_ref().is_none_or(|(u, _)| &v < u) {
            upper = Some((v, inc));
        }
    }
    let before = lower.as_ref().is_none_or(|(l, _)| l < boundary);
    let after = upper
        .as_ref()
        .is_none_or(|(u, inc)| u > boundary || (u == boundary && *inc));
    (before, after)
}

/// Where `needle` first occurs at or after `from`, as a span (else the file's first byte).
fn find_span(text: &str, needle: &str, from: usize) -> Span {
    match memchr::memmem::find(&text.as_bytes()[from.min(text.len())..], needle.as_bytes()) {
        Some(p) => Span::new(from + p, from + p + needle.len()),
        None => Span::new(0, 0),
    }
}

fn push(
    catalog: &Catalog,
    out: &mut Vec<Pin>,
    name: &str,
    spec: &str,
    written: String,
    span: Span,
    lock: bool,
) {
    let Some(gi) = generation(catalog, name) else {
        return;
    };
    let Some(boundary) = parse_version(&catalog.sdk_generations[gi].boundary) else {
        return;
    };
    let Some((before, after)) = sides(spec, &boundary) else {
        return;
    };
    let source = if lock {
        PinSource::Lock
    } else if spec.trim().is_empty() || spec.trim() == "*" {
        PinSource::Unpinned
    } else {
        PinSource::Range
    };
    out.push(Pin {
        generation: gi,
        written,
        span,
        source,
        before,
        after,
    });
}

fn requirements_pins(text: &str, catalog: &Catalog, out: &mut Vec<Pin>) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        // a comment starts at `#` after whitespace (or at the line's start)
        let body = match line
            .find(" #")
            .or_else(|| line.starts_with('#').then_some(0))
        {
            Some(i) => &line[..i],
            None => line,
        };
        let body = body.trim_end_matches(['\r', '\n', '\\']);
        // per-requirement options (`--hash=…`) follow the specifier
        let body = body.split(" --").next().unwrap_or("").trim();
        if body.is_empty() || body.starts_with('-') {
            continue;
        }
        let Some((name, spec)) = split_requirement(body) else {
            continue;
        };
        let offset = line.find(body).unwrap_or(0);
        let span = Span::new(start + offset, start + offset + body.len());
        push(catalog, out, name, spec, body.to_string(), span, false);
    }
}

fn lock_pins(text: &str, catalog: &Catalog, out: &mut Vec<Pin>) {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else {
        return;
    };
    let Some(pkgs) = doc.get("package").and_then(|p| p.as_array()) else {
        return;
    };
    for p in pkgs {
        let (Some(name), Some(version)) = (
            p.get("name").and_then(|v| v.as_str()),
            p.get("version").and_then(|v| v.as_str()),
        ) else {
            continue;
        };
        if generation(catalog, name).is_none() {
            continue;
        }
        let anchor = find_span(text, &format!("name = \"{name}\""), 0);
        let span = find_span(
            text,
            &format!("version = \"{version}\""),
            anchor.start as usize,
        );
        let span = if span.is_empty() { anchor } else { span };
        push(
            catalog,
            out,
            name,
            &format!("=={version}"),
            format!("{name} {version}"),
            span,
            true,
        );
    }
}

fn strings(v: &toml::Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default()
}

/// `pyproject.toml` (`[project] dependencies`, optional dependencies, dependency groups,
/// Poetry's tables) and `Pipfile` (`[packages]`, `[dev-packages]`).
fn toml_pins(text: &str, catalog: &Catalog, out: &mut Vec<Pin>) {
    let Ok(doc) = toml::from_str::<toml::Table>(text) else {
        return;
    };
    let mut pep508: Vec<&str> = Vec::new();
    let mut tables: Vec<&toml::Table> = Vec::new();
    if let Some(project) = doc.get("project").and_then(|p| p.as_table()) {
        if let Some(d) = project.get("dependencies") {
            pep508.extend(strings(d));
        }
        if let Some(opt) = project
            .get("optional-dependencies")
            .and_then(|o| o.as_table())
        {
            for v in opt.values() {
                pep508.extend(strings(v));
            }
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(|g| g.as_table()) {
        for v in groups.values() {
            pep508.extend(strings(v));
        }
    }
    if let Some(poetry) = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.as_table())
    {
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(t) = poetry.get(key).and_then(|d| d.as_table()) {
                tables.push(t);
            }
        }
        if let Some(groups) = poetry.get("group").and_then(|g| g.as_table()) {
            for g in groups.values() {
                if let Some(t) = g.get("dependencies").and_then(|d| d.as_table()) {
                    tables.push(t);
                }
            }
        }
    }
    for key in ["packages", "dev-packages"] {
        if let Some(t) = doc.get(key).and_then(|d| d.as_table()) {
            tables.push(t);
        }
    }
    for req in pep508 {
        let Some((name, spec)) = split_requirement(req) else {
            continue;
        };
        push(
            catalog,
            out,
            name,
            spec,
            req.to_string(),
            find_span(text, req, 0),
            false,
        );
    }
    for t in tables {
        for (name, v) in t {
            let spec = match v {
                toml::Value::String(s) => s.as_str(),
                toml::Value::Table(t) => match t.get("version").and_then(|x| x.as_str()) {
                    Some(s) => s,
                    None => continue,
                },
                _ => continue,
            };
            if generation(catalog, name).is_none() {
                continue;
            }
            let at = find_span(text, &format!("{name} ="), 0);
            let at = if at.is_empty() {
                find_span(text, name, 0)
            } else {
                at
            };
            let line_end = text[at.start as usize..]
                .find('\n')
                .map_or(text.len(), |p| at.start as usize + p);
            let span = Span::new(at.start as usize, line_end.max(at.end as usize));
            push(
                catalog,
                out,
                name,
                spec,
                format!("{name} = \"{spec}\""),
                span,
                false,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(spec: &str) -> (bool, bool) {
        sides(spec, &parse_version("1.0.0").expect("version")).expect("spec")
    }

    #[test]
    fn specifier_sides_of_the_boundary() {
        assert_eq!(s(""), (true, true));
        assert_eq!(s(">=1"), (false, true));
        assert_eq!(s(">=1.3,<2"), (false, true));
        assert_eq!(s("==0.28.1"), (true, false));
        assert_eq!(s("<1"), (true, false));
        assert_eq!(s("<1.0.0"), (true, false));
        assert_eq!(s("<=1.0"), (true, true));
        assert_eq!(s("~=0.27"), (true, false));
        assert_eq!(s("~=1.2"), (false, true));
        assert_eq!(s(">=0.27"), (true, true));
        assert_eq!(s("==1.*"), (false, true));
        assert_eq!(s("==0.*"), (true, false));
        assert_eq!(s("^0.28"), (true, false));
        assert_eq!(s("^1.3"), (false, true));
        assert_eq!(s("~0.27.4"), (true, false));
        assert_eq!(s("0.28.1"), (true, false));
        assert_eq!(s("^0.27 || ^1.0"), (true, true));
        assert_eq!(s("!=0.28"), (true, true));
        assert!(sides("nonsense!!", &parse_version("1").expect("version")).is_none());
    }

    #[test]
    fn requirement_lines() {
        assert_eq!(split_requirement("openai>=1.0"), Some(("openai", ">=1.0")));
        assert_eq!(
            split_requirement("openai[datalib] == 0.28 ; python_version>'3'"),
            Some(("openai", "== 0.28"))
        );
        assert_eq!(split_requirement("openai @ https://x/y.whl"), None);
        assert_eq!(split_requirement("OpenAI"), Some(("OpenAI", "")));
    }

    fn pinned(path: &str, text: &str) -> Vec<(String, bool, bool, PinSource)> {
        let c = Catalog::builtin().expect("catalog");
        pins(path, text, &c)
            .into_iter()
            .map(|p| {
                assert!(!text[p.span.range()].is_empty(), "{path}: empty span");
                (p.written, p.before, p.after, p.source)
            })
            .collect()
    }

    #[test]
    fn every_manifest_kind() {
        let req = "# deps\nflask\nopenai==1.3.0 --hash=sha256:00 \\\n    --hash=sha256:11\nopenai-whisper==1\n";
        assert_eq!(
            pinned("requirements.txt", req),
            vec![("openai==1.3.0".into(), false, true, PinSource::Range)]
        );
        let pep621 = "[project]\ndependencies = [\"openai[datalib]>=0.27,<1\"]\n";
        let p = &pinned("pyproject.toml", pep621)[0];
        assert_eq!((p.1, p.2), (true, false));
        let poetry = "[tool.poetry.dependencies]\npython = \"^3.10\"\nopenai = { version = \"^1.2\", extras = [] }\n";
        assert!(!pinned("sub/pyproject.toml", poetry)[0].1);
        let pipfile = "[packages]\nopenai = \"*\"\n";
        assert_eq!(pinned("Pipfile", pipfile)[0].3, PinSource::Unpinned);
        let lock = "[[package]]\nname = \"openai\"\nversion = \"0.28.1\"\n";
        assert_eq!(
            pinned("poetry.lock", lock),
            vec![("openai 0.28.1".into(), true, false, PinSource::Lock)]
        );
        // not TOML, no package of ours: nothing, no panic
        assert!(pinned("uv.lock", "[[package]\nname = \"openai").is_empty());
        assert!(pinned("requirements.txt", "requests\n").is_empty());
    }
}
