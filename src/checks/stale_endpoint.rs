use crate::catalog::HostClass;
use crate::checks::{Check, Cx, Meta};
use crate::finding::{Edit, Finding, Label};
use crate::roles::AssignInfo;

declare_check! {
    /// ## What it does
    /// Finds base URLs the provider catalog lists as stale or wrong: Zhipu's retired
    /// `/api/paas/v3`, OpenRouter without `/api`, Groq without `/openai`.
    ///
    /// ## Why it breaks
    /// Retired paths answer 404 or 401, or an HTML page the SDK cannot parse; the key is fine and
    /// the error message points everywhere but at the URL.
    ///
    /// ## Example
    /// ```sh
    /// ZHIPUAI_BASE_URL=https://open.bigmodel.cn/api/paas/v3
    /// ```
    ///
    /// ## Fix
    /// Use the current base URL the message names (`https://open.bigmodel.cn/api/paas/v4`).
    StaleEndpoint {
        id: "stale-endpoint",
        category: Mismatch,
        severity: Error,
        confidence: High,
        summary: "a base URL the provider has retired or never served",
    }
}

/// The stale entry a parsed URL matches: (provider, stale index).
pub fn stale_match(cx: &Cx, info: &AssignInfo) -> Option<(usize, usize)> {
    let Some(Ok(url)) = &info.url else { return None };
    let Some(HostClass::Provider(p)) = info.host else { return None };
    let path = url.trimmed_path();
    cx.catalog.provider(p).stale.iter().enumerate().find_map(|(i, s)| {
        let stale = crate::url::parse(&s.url).ok()?;
        let sp = stale.trimmed_path();
        let hit = stale.host == url.host
            && (path == sp || path.strip_prefix(sp).is_some_and(|rest| rest.starts_with('/')));
        hit.then_some((p, i))
    })
}

/// Replace the value only when it is exactly the listed stale URL (trailing `/` aside): then the
/// successor is exact too.
fn exact_fix(file: usize, a: &crate::facts::Assignment, stale: &str, replacement: &str) -> Vec<Edit> {
    let Some(v) = a.literal() else { return Vec::new() };
    if v.trim_end_matches('/') != stale.trim_end_matches('/') || a.value_span.len() != v.len() {
        return Vec::new();
    }
    vec![Edit { file, span: a.value_span, replacement: replacement.to_string() }]
}

impl Check for StaleEndpoint {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let f = &cx.index.files[file];
        for (a, info) in f.facts.assignments.iter().zip(&f.info) {
            let Some((p, i)) = stale_match(cx, info) else { continue };
            let prov = cx.catalog.provider(p);
            let stale = &prov.stale[i];
            out.push(
                Finding::new(
                    &Self::META,
                    Label::new(file, a.value_span, "stale base URL"),
                    format!("`{}` points at a stale {} endpoint: {}", f.written_name(a), prov.name, stale.reason),
                )
                .help(f.set_hint(a, &stale.replacement))
                .fix(exact_fix(file, a, &stale.url, &stale.replacement))
                .evidence(format!("{}@{}", a.name, stale.url)),
            );
        }
    }
}
