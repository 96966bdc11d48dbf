//! The human view: one miette diagnostic per finding, drawn over the *masked* source text, the
//! primary and related labels together when they are in one file, then a summary line.

use std::fmt;
use std::io::Write;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::Report;
use crate::finding::{Finding, Label, Severity};
use crate::redact::display;
use crate::render::{RenderOptions, masked};

#[derive(Debug)]
struct HumanDiag {
    message: String,
    code: Option<&'static str>,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    src: Window,
    labels: Vec<LabeledSpan>,
    related: Vec<HumanDiag>,
}

impl fmt::Display for HumanDiag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HumanDiag {}

impl Diagnostic for HumanDiag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

struct Masked {
    text: String,
    masker: crate::redact::Masker,
    path: String,
    /// where each line of `text` starts
    starts: Vec<usize>,
}

impl Masked {
    /// The lines around `spans` (masked offsets), with `CONTEXT` lines of margin: what one
    /// diagnostic shows. A window, not the file: a file with many findings is not copied (and
    /// read from its start by miette) once per finding.
    fn window(&self, spans: &[(usize, usize)]) -> Window {
        const CONTEXT: usize = 3;
        let lo = spans.iter().map(|s| s.0).min().unwrap_or(0);
        let hi = spans.iter().map(|s| s.1).max().unwrap_or(0);
        let line_of = |o: usize| self.starts.partition_point(|&st| st <= o).saturating_sub(1);
        let first = line_of(lo).saturating_sub(CONTEXT);
        let last = line_of(hi) + CONTEXT + 1;
        let start = self.starts[first];
        let end = self.starts.get(last).copied().unwrap_or(self.text.len());
        Window {
            name: self.path.clone(),
            text: self.text[start..end].to_string(),
            start,
            first_line: first,
        }
    }
}

/// A slice of a masked file that answers miette in the whole file's offsets and line numbers.
#[derive(Debug)]
struct Window {
    name: String,
    text: String,
    start: usize,
    first_line: usize,
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let local =
            miette::SourceSpan::new(span.offset().saturating_sub(self.start).into(), span.len());
        let c = self.text.as_bytes().read_span(&local, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            miette::SourceSpan::new((c.span().offset() + self.start).into(), c.span().len()),
            c.line() + self.first_line,
            c.column(),
            c.line_count() + self.first_line,
        )))
    }
}

fn labeled(m: &Masked, label: &Label, primary: bool) -> LabeledSpan {
    let start = m.masker.map(label.span.start as usize, false);
    let end = m.masker.map(label.span.end as usize, true).max(start);
    let text = Some(display(&label.message));
    if primary {
        LabeledSpan::new_primary_with_span(text, (start, end - start))
    } else {
        LabeledSpan::new_with_span(text, (start, end - start))
    }
}

fn diag(
    report: &Report,
    f: &Finding,
    cache: &mut std::collections::HashMap<usize, Masked>,
) -> HumanDiag {
    for file in std::iter::once(f.primary.file).chain(f.related.iter().map(|r| r.file)) {
        cache.entry(file).or_insert_with(|| {
            let (text, masker) = masked(&report.index.files[file]);
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
            Masked {
                text,
                masker,
                starts,
                path: display(&report.index.files[file].source.rel_path),
            }
        });
    }
    let get = |file: usize| -> &Masked { &cache[&file] };
    let primary = get(f.primary.file);
    let mut labels = vec![labeled(primary, &f.primary, true)];
    let mut others = Vec::new();
    for r in &f.related {
        if r.file == f.primary.file {
            labels.push(labeled(primary, r, false));
        } else {
            others.push(r);
        }
    }
    let src = primary.window(
        &labels
            .iter()
            .map(|l| (l.offset(), l.offset() + l.len()))
            .collect::<Vec<_>>(),
    );
    let related = others
        .into_iter()
        .map(|r| {
            let m = get(r.file);
            let label = labeled(m, r, true);
            HumanDiag {
                src: m.window(&[(label.offset(), label.offset() + label.len())]),
                message: format!("related: {}", display(&r.message)),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                labels: vec![label],
                related: Vec::new(),
            }
        })
        .collect();
    HumanDiag {
        message: display(&f.message),
        code: Some(f.meta.id),
        severity: miette_severity(f.severity),
        help: f.help.as_deref().map(display),
        url: None,
        src,
        labels,
        related,
    }
}

pub fn render(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    let mut cache = std::collections::HashMap::new();
    // errors first, then warnings, then info (when shown); path order within each
    let mut shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity >= opts.min_severity)
        .collect();
    shown.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in &shown {
        let d = diag(report, f, &mut cache);
        let mut s = String::new();
        handler
            .render_report(&mut s, &d)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        // everything shown was escaped on the way in; without colours, no control byte at
        // all may remain, whatever slipped through
        let s = if opts.color {
            std::borrow::Cow::Borrowed(s.as_str())
        } else {
            crate::redact::escape_controls(&s, true)
        };
        writeln!(out, "{}", s.trim_end())?;
        writeln!(
            out,
            "  {} · {} confidence · keylint explain {}\n",
            f.meta.category.as_str(),
            f.confidence.as_str(),
            f.meta.id
        )?;
    }
    if opts.quiet {
        return Ok(());
    }
    summary(report, opts, shown.len(), out)?;
    if !report.suppressed.is_empty() {
        writeln!(
            out,
            "keylint: {} finding{} suppressed by keylint: ignore comments",
            report.suppressed.len(),
            plural(report.suppressed.len())
        )?;
    }
    if let Some(b) = &report.baseline {
        writeln!(
            out,
            "keylint: {} known finding{} hidden by the baseline",
            b.matched,
            plural(b.matched)
        )?;
        if !b.stale.is_empty() {
            writeln!(
                out,
                "keylint: {} baseline entr{} no longer match (fixed or changed); rewrite the baseline to drop them:",
                b.stale.len(),
                if b.stale.len() == 1 { "y" } else { "ies" }
            )?;
            for e in &b.stale {
                writeln!(
                    out,
                    "  {} {} {}",
                    display(&e.path),
                    display(&e.rule),
                    display(&e.fingerprint)
                )?;
            }
        }
    }
    if !report.skipped.is_empty() {
        if opts.verbose {
            for sk in &report.skipped {
                let detail = sk
                    .detail
                    .as_deref()
                    .map(|d| format!(" ({})", display(d)))
                    .unwrap_or_default();
                writeln!(
                    err,
                    "note: skipped {}: {}{detail}",
                    display(&sk.path),
                    sk.reason.as_str()
                )?;
            }
        } else {
            writeln!(
                err,
                "note: skipped {} file{} (binary, too large, unreadable or not UTF-8); --verbose lists them",
                report.skipped.len(),
                plural(report.skipped.len())
            )?;
        }
    }
    if opts.verbose {
        if let Some(p) = &report.config_path {
            writeln!(err, "note: config {}", display(&p.display().to_string()))?;
        }
        for n in &report.notes {
            writeln!(err, "note: {}", display(n))?;
        }
        if let Some(staged) = &report.staged {
            writeln!(
                err,
                "note: --staged: {} path{} changed by the commit being prepared",
                staged.len(),
                plural(staged.len())
            )?;
        }
    }
    Ok(())
}

/// The closing summary: totals, a per-rule table (like `ruff --statistics`), and what was
/// left out and why.
fn summary(
    report: &Report,
    opts: &RenderOptions,
    shown: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let s = super::json::summary(report);
    let files = count(s.files_scanned, "file");
    let took = report
        .elapsed
        .filter(|_| opts.timing)
        .map(|d| format!(" ({:.2} s)", d.as_secs_f64()))
        .unwrap_or_default();
    if s.findings == 0 {
        writeln!(out, "keylint: no problems in {files}{took}")?;
    } else {
        writeln!(
            out,
            "keylint: {} ({}, {}, {} info) in {files}{took}",
            count(s.findings, "problem"),
            count(s.errors, "error"),
            count(s.warnings, "warning"),
            s.infos,
        )?;
        let mut by_rule: std::collections::BTreeMap<(std::cmp::Reverse<Severity>, &str), usize> =
            std::collections::BTreeMap::new();
        for f in &report.findings {
            *by_rule
                .entry((std::cmp::Reverse(f.severity), f.meta.id))
                .or_default() += 1;
        }
        let mut rows: Vec<_> = by_rule.into_iter().collect();
        rows.sort_by_key(|((sev, id), n)| (*sev, std::cmp::Reverse(*n), *id));
        for ((sev, id), n) in rows {
            writeln!(out, "  {n:>6}  {:<8} {id}", sev.0.as_str())?;
        }
    }
    let below = s.findings - shown;
    if below > 0 {
        writeln!(
            out,
            "keylint: {} below {} not shown; --min-severity info shows them",
            count(below, "finding"),
            opts.min_severity.as_str()
        )?;
    }
    let h = report.hidden;
    if h.below_severity + h.below_confidence > 0 {
        writeln!(
            out,
            "keylint: {} left out by --min-severity, {} by --min-confidence",
            h.below_severity, h.below_confidence
        )?;
    }
    Ok(())
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", plural(n))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
