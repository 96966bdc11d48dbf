use crate::checks::{Check, Cx, Meta};
use crate::finding::{Finding, Label};

declare_check! {
    /// ## What it does
    /// Finds a key, a variable holding one, or the whole environment passed to a logging or
    /// print call (`console.*`, `print`, `logging.*`, `logger.*`), including inside template
    /// literals and f-strings. Presence checks (`key ? 'set' : 'missing'`, `len(key)`,
    /// `key.slice(0, 4)`) stay quiet.
    ///
    /// ## Why it breaks
    /// Logs are shipped to log services, CI output and error trackers that many people can read;
    /// a leaked key is revoked and the app gets `401`.
    ///
    /// ## Example
    /// ```js
    /// const key = process.env.OPENAI_API_KEY;
    /// console.log(`OpenAI key: ${key}`);
    /// ```
    ///
    /// ## Fix
    /// Log whether the key is set, or its first four characters, never the key.
    KeyInLog {
        id: "key-in-log",
        category: Exposure,
        severity: Warning,
        confidence: High,
        summary: "a key or the whole environment passed to a log or print call",
    }
}

impl Check for KeyInLog {
    fn meta(&self) -> &'static Meta {
        &Self::META
    }

    fn check_file(&self, cx: &Cx, file: usize, out: &mut Vec<Finding>) {
        let Some(code) = cx.index.files[file].facts.code() else { return };
        for call in &code.logs {
            for (what, span) in &call.leaks {
                let message = if what == "*" {
                    format!("`{}` prints the whole environment, keys included", call.callee)
                } else {
                    format!("`{}` prints `{what}`", call.callee)
                };
                out.push(
                    Finding::new(&Self::META, Label::new(file, *span, "printed"), message)
                        .help("log whether the key is set (or its first 4 characters), never the key")
                        .evidence(format!("{}|{what}", call.callee)),
                );
            }
        }
    }
}
