//! A deliberately small URL reader for base URLs found in config.
//!
//! keylint only needs scheme, host, port and path, and must describe *why* a value is not a
//! usable base URL (no scheme, whitespace, empty host) rather than reject it. A full WHATWG
//! parser would normalise away exactly the mistakes we report, so this stays a splitter.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    pub scheme: String,
    /// Lower-cased host without brackets or port.
    pub host: String,
    pub port: Option<u16>,
    /// Path without query or fragment, as written (may be empty, may end in `/`).
    pub path: String,
    pub query: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    NoScheme,
    Whitespace,
    EmptyHost,
    BadPort,
}

impl BaseUrl {
    /// Path with trailing slashes removed (`/v1/` and `/v1` are the same base).
    pub fn trimmed_path(&self) -> &str {
        self.path.trim_end_matches('/')
    }

    pub fn origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

/// True for values that look like an attempt at a URL (so a missing scheme can be reported).
pub fn looks_like_url(value: &str) -> bool {
    let v = value.trim();
    v.contains("://")
        || v.starts_with("localhost")
        || (v.contains('.') && v.contains('/') && !v.contains(' '))
}

pub fn parse(value: &str) -> Result<BaseUrl, UrlProblem> {
    if value.chars().any(char::is_whitespace) {
        return Err(UrlProblem::Whitespace);
    }
    let Some((scheme, rest)) = value.split_once("://") else {
        return Err(UrlProblem::NoScheme);
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+')
    {
        return Err(UrlProblem::NoScheme);
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        let (h, after) = stripped.split_once(']').ok_or(UrlProblem::EmptyHost)?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err(UrlProblem::EmptyHost);
    }
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().map_err(|_| UrlProblem::BadPort)?),
    };
    let (path_and_query, _fragment) = tail.split_once('#').unwrap_or((tail, ""));
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (path_and_query.to_string(), None),
    };
    Ok(BaseUrl {
        scheme: scheme.to_ascii_lowercase(),
        host: host.to_ascii_lowercase(),
        port,
        path,
        query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_parts() {
        let u = parse("https://OpenRouter.ai:8443/api/v1/?x=1#f").expect("parses");
        assert_eq!(u.host, "openrouter.ai");
        assert_eq!(u.port, Some(8443));
        assert_eq!(u.trimmed_path(), "/api/v1");
        assert_eq!(u.query.as_deref(), Some("x=1"));
        assert_eq!(parse("http://[::1]:4000").expect("v6").host, "::1");
        assert_eq!(
            parse("http://user:pw@litellm:4000/v1").expect("auth").host,
            "litellm"
        );
    }

    #[test]
    fn names_the_problem() {
        assert_eq!(parse("api.openai.com/v1"), Err(UrlProblem::NoScheme));
        assert_eq!(
            parse("https://api.openai.com/v1 "),
            Err(UrlProblem::Whitespace)
        );
        assert_eq!(parse("https:///v1"), Err(UrlProblem::EmptyHost));
        assert_eq!(parse("http://h:99999"), Err(UrlProblem::BadPort));
    }
}
