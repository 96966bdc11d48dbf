//! What an assignment *means*: is the name a key slot, a base URL, a model; which pairing group
//! it belongs to; what the value's shape says. Computed once per assignment at index time.

use crate::catalog::{Catalog, EnvRole, HostClass, KeyMatch, SecretMatch, Token};
use crate::facts::Assignment;
use crate::url::{self, BaseUrl, UrlProblem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameRole {
    Key,
    BaseUrl,
    /// A base-URL name current SDKs no longer read (`OPENAI_API_BASE`).
    LegacyBaseUrl,
    Model,
    Other,
}

const KEY_SUFFIXES: &[&str] = &[
    "_API_KEY",
    "_APIKEY",
    "_AUTH_TOKEN",
    "_ACCESS_TOKEN",
    "_API_TOKEN",
    "_SECRET_KEY",
    "_TOKEN",
    "_KEY",
    "_SECRET",
];
const KEY_EXACT: &[&str] = &[
    "API_KEY",
    "APIKEY",
    "AUTH_TOKEN",
    "ACCESS_TOKEN",
    "API_TOKEN",
];
const BASE_SUFFIXES: &[&str] = &[
    "_API_BASE_URL",
    "_BASE_URL",
    "_API_BASE",
    "_API_URL",
    "_API_ENDPOINT",
    "_ENDPOINT",
    "_API_HOST",
    "_BASE",
    "_URL",
    "_HOST",
];
const BASE_EXACT: &[&str] = &[
    "BASE_URL",
    "API_BASE",
    "API_URL",
    "API_BASE_URL",
    "ENDPOINT",
    "API_ENDPOINT",
];
const MODEL_SUFFIXES: &[&str] = &["_MODEL_NAME", "_MODEL_ID", "_CHAT_MODEL", "_MODEL"];
const MODEL_EXACT: &[&str] = &["MODEL", "MODEL_NAME", "MODEL_ID", "CHAT_MODEL"];

/// Words that make a generic name (`LLM_API_KEY`, `EMBEDDING_BASE_URL`) an LLM setting.
const LLM_WORDS: &[&str] = &[
    "llm",
    "ai",
    "gpt",
    "claude",
    "gemini",
    "glm",
    "qwen",
    "kimi",
    "model",
    "embedding",
    "embeddings",
    "completion",
    "completions",
    "chat",
    "openai",
    "anthropic",
    "inference",
    "agent",
    "copilot",
];

#[derive(Debug, Clone)]
pub struct NameInfo {
    pub role: NameRole,
    /// Pairing group: the catalog provider id for catalog names, else the lower-cased stem
    /// (`LLM_API_KEY` → `llm`, `API_KEY` → ``).
    pub group: String,
    /// Catalog provider whose env name this is (any role).
    pub slot: Option<usize>,
    /// Name with a browser-exposed prefix removed.
    pub bare: String,
    pub public_prefix: Option<String>,
}

pub fn name_info(catalog: &Catalog, name: &str) -> NameInfo {
    let upper = name.to_ascii_uppercase();
    let (bare, public_prefix) = match catalog.public_prefix(&upper) {
        Some(p) => (upper[p.prefix.len()..].to_string(), Some(p.prefix.clone())),
        None => (upper.clone(), None),
    };
    let from_catalog = catalog.env(&bare).or_else(|| catalog.env(&upper));
    if let Some((p, role)) = from_catalog {
        let role = match role {
            EnvRole::Key => NameRole::Key,
            EnvRole::BaseUrl => NameRole::BaseUrl,
            EnvRole::LegacyBaseUrl => NameRole::LegacyBaseUrl,
            EnvRole::Model => NameRole::Model,
        };
        return NameInfo {
            role,
            group: catalog.provider(p).id.clone(),
            slot: Some(p),
            bare,
            public_prefix,
        };
    }
    let (role, stem) = if let Some(stem) = strip(&bare, KEY_EXACT, KEY_SUFFIXES) {
        (NameRole::Key, stem)
    } else if let Some(stem) = strip(&bare, MODEL_EXACT, MODEL_SUFFIXES) {
        (NameRole::Model, stem)
    } else if let Some(stem) = strip(&bare, BASE_EXACT, BASE_SUFFIXES) {
        (NameRole::BaseUrl, stem)
    } else {
        (NameRole::Other, bare.as_str())
    };
    let group = stem.to_ascii_lowercase();
    // `OPENAI_KEY`, `ANTHROPIC_KEY`: a provider id as the stem joins that provider's group
    let slot = catalog.index_of(&group);
    NameInfo {
        role,
        group,
        slot,
        bare: bare.clone(),
        public_prefix,
    }
}

fn strip<'a>(name: &'a str, exact: &[&str], suffixes: &[&str]) -> Option<&'a str> {
    if exact.contains(&name) {
        return Some("");
    }
    suffixes
        .iter()
        .find_map(|s| name.strip_suffix(s).filter(|stem| !stem.is_empty()))
}

/// Is this name an LLM credential slot (not a database password or a Stripe key)?
pub fn is_llm_key_name(catalog: &Catalog, info: &NameInfo) -> bool {
    if info.role != NameRole::Key {
        return false;
    }
    if info.slot.is_some() || info.group.is_empty() {
        return true;
    }
    info.group
        .split('_')
        .any(|w| LLM_WORDS.contains(&w) || catalog.index_of(w).is_some())
}

/// [`is_llm_key_name`] for a bare name.
pub fn is_llm_key(catalog: &Catalog, name: &str) -> bool {
    is_llm_key_name(catalog, &name_info(catalog, name))
}

/// A secret by its name, LLM or not (`NPM_TOKEN`, `DB_PASSWORD`), for build-time checks where
/// any secret is a leak. Names that only mention keys (`PUBLIC_KEY_PATH`, `KEY_ID`) are not.
pub fn is_secret_name(catalog: &Catalog, name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    if is_llm_key(catalog, &n) {
        return true;
    }
    let info = name_info(catalog, &n);
    let public = [
        "PUBLIC",
        "PUBLISHABLE",
        "_ID",
        "_PATH",
        "_FILE",
        "_URL",
        "_NAME",
    ]
    .iter()
    .any(|w| n.contains(w));
    !public && (info.role == NameRole::Key || n.ends_with("PASSWORD") || n.ends_with("_PASSWD"))
}

/// Everything an assignment's name and literal value say, computed once.
#[derive(Debug, Clone)]
pub struct AssignInfo {
    pub name: NameInfo,
    /// The literal value's LLM key shape, if any (the only shape the mismatch checks read).
    pub key: Option<KeyMatch>,
    /// The literal value's non-LLM secret shape (`rules/secrets.toml`), when it is no LLM key.
    pub secret: Option<SecretMatch>,
    /// Parsed base URL (for URL-role names, or values that look like URLs).
    pub url: Option<Result<BaseUrl, UrlProblem>>,
    pub host: Option<HostClass>,
}

pub fn assign_info(catalog: &Catalog, a: &Assignment) -> AssignInfo {
    let name = name_info(catalog, &a.name);
    let literal = a.literal();
    let key = literal.and_then(|v| catalog.classify_key(v.trim(), name.slot));
    let secret = match (&key, literal) {
        (None, Some(v)) => catalog.classify_secret(v.trim(), Some(&name.bare)),
        _ => None,
    };
    let urlish = matches!(name.role, NameRole::BaseUrl | NameRole::LegacyBaseUrl);
    let url = literal
        .filter(|v| !v.is_empty() && (urlish && url::looks_like_url(v) || v.contains("://")))
        .map(url::parse);
    let host = match &url {
        Some(Ok(u)) => Some(catalog.classify_url(u)),
        Some(Err(_)) => url::parse(literal.unwrap_or("").trim())
            .ok()
            .map(|u| catalog.classify_url(&u)),
        None => None,
    };
    AssignInfo {
        name,
        key,
        secret,
        url,
        host,
    }
}

impl AssignInfo {
    /// The value's shape for the exposure checks: an LLM key or another issuer's secret.
    pub fn token(&self) -> Option<Token> {
        self.key
            .clone()
            .map(Token::Key)
            .or_else(|| self.secret.map(Token::Secret))
    }
}

/// Is this assignment an LLM endpoint worth checking: a catalog base-URL name, or a URL-role
/// name whose host is a known provider or whose group is LLM-ish.
pub fn is_llm_endpoint(catalog: &Catalog, info: &AssignInfo) -> bool {
    if !matches!(info.name.role, NameRole::BaseUrl | NameRole::LegacyBaseUrl) || info.url.is_none()
    {
        return false;
    }
    info.name.slot.is_some()
        || matches!(info.host, Some(HostClass::Provider(_)))
        || info
            .name
            .group
            .split('_')
            .any(|w| LLM_WORDS.contains(&w) || catalog.index_of(w).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_groups() {
        let c = Catalog::builtin().expect("catalog");
        let cases = [
            ("OPENAI_API_KEY", NameRole::Key, "openai"),
            ("OPENAI_BASE_URL", NameRole::BaseUrl, "openai"),
            ("OPENAI_API_BASE", NameRole::LegacyBaseUrl, "openai"),
            ("OPENAI_KEY", NameRole::Key, "openai"),
            ("CO_API_URL", NameRole::BaseUrl, "cohere"),
            ("LLM_API_KEY", NameRole::Key, "llm"),
            ("LLM_BASE_URL", NameRole::BaseUrl, "llm"),
            ("API_KEY", NameRole::Key, ""),
            ("OPENAI_MODEL", NameRole::Model, "openai"),
            ("ANTHROPIC_MODEL", NameRole::Model, "anthropic"),
            ("NEXT_PUBLIC_OPENAI_API_KEY", NameRole::Key, "openai"),
            ("DATABASE_URL", NameRole::BaseUrl, "database"),
            ("LOG_LEVEL", NameRole::Other, "log_level"),
        ];
        for (name, role, group) in cases {
            let i = name_info(&c, name);
            assert_eq!((i.role, i.group.as_str()), (role, group), "{name}");
        }
        assert!(is_llm_key_name(&c, &name_info(&c, "LLM_API_KEY")));
        assert!(!is_llm_key_name(&c, &name_info(&c, "STRIPE_SECRET_KEY")));
        assert!(!is_llm_key_name(&c, &name_info(&c, "DJANGO_SECRET_KEY")));
    }
}
