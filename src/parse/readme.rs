//! READMEs: only the key and base-URL variable names they document. A hand-written scan for
//! capitalised words (no Markdown parser): names sit in tables, code blocks and prose alike.

use crate::facts::FileFacts;

/// The key and base-URL variable names a README documents (`OPENAI_API_KEY` in a setup table,
/// a code block or the prose): a read of one of them is not "nothing provides this". Only
/// names with a key or base-URL role count, so a README's other capital words stay out.
pub fn parse(text: &str, catalog: &crate::catalog::Catalog) -> FileFacts {
    use crate::roles::NameRole;
    let mut facts = FileFacts {
        literals: crate::parse::text::scan(text, catalog),
        ..FileFacts::default()
    };
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
