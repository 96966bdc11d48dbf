use std::collections::HashMap;

use crate::catalog::Confidence;
use crate::checks::{Check, Cx, Meta};
use crate::facts::code::Lifecycle;
use crate::facts::deps::PinSource;
use crate::finding::{Finding, Label, Severity};

declare_check! {
    /// ## What it does
    /// Finds code written for one generation of an SDK in a project that installs the other,
    /// from the `[[sdk_generation]]` tables of `rules/lifecycle.toml`: openai-python 0.x calls
    /// (`openai.ChatCompletion.create`, `openai.Completion`, `openai.Embedding`, `openai.error`,
    /// `openai.api_base = …`) where the project pins `openai>=1`, and 1.x code (`from openai
    /// import OpenAI`) where it pins `openai<1`. The pin is the nearest one above the code file:
    /// a lockfile (`poetry.lock`, `uv.lock`) when there is one, else `requirements*.txt`,
    /// `pyproject.toml` (PEP 621, dependency groups, Poetry) or `Pipfile`. A requirement with no
    /// version at all is a warning for 0.x code: a fresh install gets 1.x.
    ///
    /// ## Why it breaks
    /// openai 1.0 replaced the module-level resources with proxies that raise
    /// `APIRemovedInV1` when called, removed `openai.error` (`AttributeError`) and stopped
    /// reading `openai.api_base` (requests silently go to api.openai.com with a key meant for
    /// another host, a `401`). The reverse import fails with `ImportError` under 0.x.
    ///
    /// ## Example
    /// ```text
    /// requirements.txt:  openai>=1.3
    /// app.py:            openai.ChatCompletion.create(model="gpt-4o", messages=m)
    /// ```
    ///
    /// ## Fix
    /// Migrate the calls to the 1.x client (`client = OpenAI()`,
    /// `client.chat.completions.create(...)`; `openai migrate` rewrites most of them), or pin
    /// `openai<1` on purpose.
    SdkVersionMismatch {
        id: "sdk-version-mismatch",
        category: Mismatch,
        severity: Error,
        confidence: High,
        summary: "SDK calls of one major version in a project that installs the other",
        varies: (Warning, "the package is listed with no version: a fresh install gets the newest"),
    }
}

/// The pins of one generation that govern a folder: the nearest folder (the file's own, then
/// its parents) holding any; a lockfile there wins over the manifests.
fn governing(
    by_dir: &HashMap<&str, Vec<(usize, usize)>>,
    cx: &Cx,
    path: &str,
    generation: usize,
) -> Vec<(usize, usize)> {
    let mut dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    loop {
        if let Some(list) = by_dir.get(dir) {
            let pins: Vec<(usize, usize)> = list
                .iter()
                .copied()
                .filter(|&(f, p)| cx.index.files[f].facts.pins[p].generation == generation)
                .collect();
            if !pins.is_empty() {
                let locks: Vec<(usize, usize)> = pins
                    .iter()
                    .copied()
                    .filter(|&(f, p)| cx.index.files[f].facts.pins[p].source == PinSource::Lock)
                    .collect();
                return if locks.is_empty() { pins } else { locks };
            }
        }
        if dir.is_empty() {
            return Vec::new();
        }
        dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
    }
}

impl Check for SdkVersionMismatch {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_project(&self, cx: &Cx, out: &mut Vec<Finding>) {
        if cx.catalog.sdk_generations.is_empty() {
            return;
        }
        let mut by_dir: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for (fi, f) in cx.index.files.iter().enumerate() {
            let dir = f.source.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
            for pi in 0..f.facts.pins.len() {
                by_dir.entry(dir).or_default().push((fi, pi));
            }
        }
        if by_dir.is_empty() {
            return;
        }
        for (fi, f) in cx.index.files.iter().enumerate() {
            let Some(code) = f.facts.code() else { continue };
            // per generation and side: the first use, and up to five more lines as related
            let mut firsts: Vec<(Lifecycle, usize)> = Vec::new();
            for (ui, u) in code.lifecycle.iter().enumerate() {
                if matches!(u.what, Lifecycle::Before(_) | Lifecycle::After(_)) && !firsts.iter().any(|(w, _)| *w == u.what) {
                    firsts.push((u.what, ui));
                }
            }
            for (what, ui) in firsts {
                let (g, old_code) = match what {
                    Lifecycle::Before(g) => (g, true),
                    Lifecycle::After(g) => (g, false),
                    _ => continue,
                };
                let pins = governing(&by_dir, cx, &f.source.rel_path, g);
                if pins.is_empty() {
                    continue;
                }
                let pin = |&(pf, pp): &(usize, usize)| &cx.index.files[pf].facts.pins[pp];
                // the project's side: every governing pin must exclude the code's generation
                let excluded = pins.iter().all(|p| if old_code { !pin(p).before } else { !pin(p).after });
                let unpinned = old_code && pins.iter().all(|p| pin(p).source == PinSource::Unpinned);
                if !excluded && !unpinned {
                    continue;
                }
                let sg = &cx.catalog.sdk_generations[g];
                let first = &pins[0];
                let (pf, pp) = *first;
                let p = pin(first);
                let pin_path = &cx.index.files[pf].source.rel_path;
                let u = &code.lifecycle[ui];
                let side = if old_code { format!("{} <{}", sg.package, sg.boundary) } else { format!("{} >={}", sg.package, sg.boundary) };
                let installs = match p.source {
                    PinSource::Lock => format!("{pin_path} locks `{}`", p.written),
                    PinSource::Range => format!("{pin_path} requires `{}`", p.written),
                    PinSource::Unpinned => format!("{pin_path} lists `{}` with no version, so a fresh install gets the newest ({} >={})", p.written, sg.package, sg.boundary),
                };
                let attr = u.text.rsplit('.').next().unwrap_or("");
                let fails = match sg.before_notes.get(attr) {
                    Some(note) if old_code => note,
                    _ if old_code => &sg.before_fails,
                    _ => &sg.after_fails,
                };
                let mut fd = Finding::new(
                    &Self::META,
                    Label::new(fi, u.span, format!("{side} code")),
                    format!("`{}` is {side} code, but {installs}: {fails}", u.text),
                )
                .help(if old_code { sg.before_fix.clone() } else { sg.after_fix.clone() })
                .related(Label::new(pf, cx.index.files[pf].facts.pins[pp].span, "the version installed is set here"))
                .evidence(format!("{}|{}|{}", u.text, pin_path, p.written));
                for other in code.lifecycle.iter().filter(|o| o.what == what).skip(1).take(5) {
                    fd = fd.related(Label::new(fi, other.span, format!("{side} code here too")));
                }
                if unpinned {
                    fd = fd.severity(Severity::Warning).confidence(Confidence::Medium);
                }
                out.push(fd);
            }
        }
    }
}
