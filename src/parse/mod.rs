//! Front ends: one file of a known kind → [`FileFacts`]. Dispatch only.

pub mod code;
pub mod compose;
pub mod dockerfile;
pub mod dockerignore;
pub mod dotenv;
pub mod lex;
pub mod script;
pub mod settings;
pub mod workflow;
pub mod yaml;

use crate::classify::FileKind;
use crate::facts::FileFacts;

pub fn parse(
    kind: &FileKind,
    path: &str,
    text: &str,
    catalog: &crate::catalog::Catalog,
) -> FileFacts {
    match kind {
        FileKind::Source => code::parse(path, text, catalog),
        FileKind::PackageJson => script::package(text),
        FileKind::Dotenv(_) => dotenv::parse(text),
        FileKind::Workflow => workflow::parse(text, false),
        FileKind::Action => workflow::parse(text, true),
        FileKind::Dockerfile => dockerfile::parse(text),
        FileKind::Compose => compose::parse(text),
        FileKind::DockerIgnore => dockerignore::parse(text),
        FileKind::Script => script::parse(text),
        FileKind::Settings => settings::parse(path, text, catalog),
        FileKind::Readme => readme(text, catalog),
    }
}

/// The key and base-URL variable names a README documents (`OPENAI_API_KEY` in a setup table,
/// a code block or the prose): a read of one of them is not "nothing provides this". Only
/// names with a key or base-URL role count, so a README's other capital words stay out.
fn readme(text: &str, catalog: &crate::catalog::Catalog) -> FileFacts {
    use crate::roles::NameRole;
    let mut facts = FileFacts::default();
    let b = text.as_bytes();
    let mut i = 0;
    let mut seen = std::collections::HashSet::new();
    while i < b.len() {
        if !(b[i].is_ascii_uppercase()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_uppercase() || b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
        let name = &text[start..i];
        if name.len() >= 6 && name.contains('_') && !seen.contains(name) {
            let role = crate::roles::name_info(catalog, name).role;
            if matches!(
                role,
                NameRole::Key | NameRole::BaseUrl | NameRole::LegacyBaseUrl
            ) {
                seen.insert(name);
                facts
                    .documented
                    .push((name.to_string(), crate::source::Span::new(start, i)));
            }
        }
    }
    facts
}
