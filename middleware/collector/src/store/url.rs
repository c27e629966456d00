//! `--store` URLs, parsed once into what each store needs, with no side effects: nothing is
//! opened, connected or loaded here.

use std::path::PathBuf;

use tokio_postgres::Config;
use tokio_postgres::config::{SslMode, SslNegotiation};

/// A parsed `--store` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreUrl {
    /// `sqlite:PATH[?max_page_count=N]`.
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The most pages the file may grow to.
        max_page_count: Option<u64>,
    },
    /// `jsonl:-` (stdout) or `jsonl:PATH`.
    JsonLines {
        /// The file, or `None` for stdout.
        path: Option<PathBuf>,
    },
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require]` (or
    /// `postgresql://`).
    Postgres(Box<PostgresUrl>),
}

impl StoreUrl {
    /// Parses a `--store` value; the error says what is wrong with it.
    pub fn parse(url: &str) -> Result<StoreUrl, String> {
        let (kind, rest) = url.split_once(':').ok_or("a store URL starts with sqlite:, jsonl: or postgres://")?;
        match kind {
            "postgres" | "postgresql" => PostgresUrl::parse(url).map(|url| StoreUrl::Postgres(Box::new(url))),
            "sqlite" => {
                let (path, query) = rest.split_once('?').map_or((rest, None), |(path, query)| (path, Some(query)));
                if path.is_empty() {
                    return Err("sqlite: needs a file path".to_owned());
                }
                let max_page_count = match query {
                    None => None,
                    Some(query) => Some(
                        query
                            .strip_prefix("max_page_count=")
                            .and_then(|count| count.parse().ok())
                            .ok_or("the only sqlite: option is max_page_count=N")?,
                    ),
                };
                Ok(StoreUrl::Sqlite { path: PathBuf::from(path), max_page_count })
            }
            "jsonl" => match rest {
                "" => Err("jsonl: needs - (stdout) or a file path".to_owned()),
                "-" => Ok(StoreUrl::JsonLines { path: None }),
                path => Ok(StoreUrl::JsonLines { path: Some(PathBuf::from(path)) }),
            },
            _ => Err(format!("unknown store kind {kind:?}: use sqlite:, jsonl: or postgres://")),
        }
    }

    /// The URL as logs and metrics show it: a PostgreSQL password is left out.
    pub fn name(&self) -> String {
        match self {
            StoreUrl::Sqlite { path, max_page_count: None } => format!("sqlite:{}", path.display()),
            StoreUrl::Sqlite { path, max_page_count: Some(pages) } => {
                format!("sqlite:{}?max_page_count={pages}", path.display())
            }
            StoreUrl::JsonLines { path: None } => "jsonl:-".to_owned(),
            StoreUrl::JsonLines { path: Some(path) } => format!("jsonl:{}", path.display()),
            StoreUrl::Postgres(url) => url.name().to_owned(),
        }
    }
}

/// A `postgres://` URL, parsed as libpq reads it and checked: the connection settings, and
/// the URL without its password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresUrl {
    config: Config,
    name: String,
}

impl PostgresUrl {
    /// Parses `url`: it names the user, the host and the database; `sslmode` is `disable`,
    /// `prefer` (the default, as in libpq) or `require`.
    pub fn parse(url: &str) -> Result<PostgresUrl, String> {
        let config: Config = url.parse().map_err(|error: tokio_postgres::Error| {
            let why = crate::with_causes(&error);
            let hint = if why.contains("`sslmode`") {
                " (sslmode is disable, prefer or require; require verifies the server's certificate and name, \
                 as libpq's verify-full with sslrootcert=system does)"
            } else {
                ""
            };
            format!("not a PostgreSQL URL: {why}{hint}")
        })?;
        if config.get_hosts().is_empty() || config.get_dbname().is_none() || config.get_user().is_none() {
            return Err("a PostgreSQL URL names the user, the host and the database".to_owned());
        }
        // tokio-postgres refuses this pair only when connecting; say so at start instead.
        if config.get_ssl_negotiation() == SslNegotiation::Direct && config.get_ssl_mode() != SslMode::Require {
            return Err("sslnegotiation=direct needs sslmode=require".to_owned());
        }
        Ok(PostgresUrl { config, name: redact(url) })
    }

    /// The connection settings, as given.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The URL as given, without its password.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A `--store` value as logs and messages may show it, whether it parses or not: a `sqlite:`
/// or `jsonl:` one as given, a `postgres://` one (or any other `scheme://` URL) without its
/// password (in the user part or as `password=`), anything else cut before its first `@`.
pub fn redact(url: &str) -> String {
    match url.split_once(':') {
        Some(("sqlite" | "jsonl", _)) => url.to_owned(),
        _ => without_password(url),
    }
}

/// `postgres://user:secret@host/db?password=secret` as `postgres://user@host/db`. Everything
/// before the last `@` is the user part, so a password with a stray `@` in it is still left
/// out.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.split('@').next().unwrap_or_default().to_owned();
    };
    let (user, location) = match rest.rsplit_once('@') {
        Some((credentials, location)) => {
            (Some(credentials.split_once(':').map_or(credentials, |(user, _password)| user)), location)
        }
        None => (None, rest),
    };
    let location = match location.split_once('?') {
        None => location.to_owned(),
        Some((path, query)) => {
            let kept: Vec<&str> = query.split('&').filter(|pair| !pair.starts_with("password=")).collect();
            if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) }
        }
    };
    match user {
        Some(user) => format!("{scheme}://{user}@{location}"),
        None => format!("{scheme}://{location}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls_parse_or_say_why_not() {
        assert_eq!(
            StoreUrl::parse("sqlite:mediadiag.db"),
            Ok(StoreUrl::Sqlite { path: "mediadiag.db".into(), max_page_count: None })
        );
        assert_eq!(
            StoreUrl::parse("sqlite:/var/lib/r.db?max_page_count=100"),
            Ok(StoreUrl::Sqlite { path: "/var/lib/r.db".into(), max_page_count: Some(100) })
        );
        assert_eq!(StoreUrl::parse("jsonl:-"), Ok(StoreUrl::JsonLines { path: None }));
        assert_eq!(StoreUrl::parse("jsonl:out.jsonl"), Ok(StoreUrl::JsonLines { path: Some("out.jsonl".into()) }));
        for bad in
            ["mediadiag.db", "sqlite:", "jsonl:", "redis://x", "sqlite:a.db?cache=shared", "sqlite:a?max_page_count=x"]
        {
            assert!(StoreUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn postgres_urls_default_to_prefer_and_need_user_host_and_database() {
        let sslmode = |url: &str| PostgresUrl::parse(url).map(|url| url.config().get_ssl_mode());
        assert_eq!(sslmode("postgres://u@h/db"), Ok(SslMode::Prefer));
        assert_eq!(sslmode("postgresql://u@h:5433/db?sslmode=prefer"), Ok(SslMode::Prefer));
        assert_eq!(sslmode("postgres://u@h/db?sslmode=disable"), Ok(SslMode::Disable));
        assert_eq!(sslmode("postgres://u@h/db?sslmode=require"), Ok(SslMode::Require));
        assert_eq!(sslmode("postgres://u@h/db?sslmode=require&sslnegotiation=direct"), Ok(SslMode::Require));
        let verify_full = PostgresUrl::parse("postgres://u@h/db?sslmode=verify-full").unwrap_err();
        assert!(verify_full.contains("invalid value for option `sslmode`"), "{verify_full}");
        assert!(verify_full.contains("require verifies the server's certificate and name"), "{verify_full}");
        for bad in [
            "postgres://h/db",
            "postgres://u@h",
            "postgres://u@/db",
            "postgres://u@h/db?sslmode=verify-full",
            "postgres://u@h/db?sslnegotiation=direct",
            "postgres://u@h/db?colour=blue",
        ] {
            assert!(PostgresUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_password_is_shown_parsed_or_not() {
        for (url, shown) in [
            ("postgres://u:secret@h:5432/db?sslmode=require", "postgres://u@h:5432/db?sslmode=require"),
            ("postgresql://u@h/db", "postgresql://u@h/db"),
            ("postgres://u:se@cret@h/db", "postgres://u@h/db"),
            ("postgres://u@h/db?password=secret&sslmode=disable", "postgres://u@h/db?sslmode=disable"),
            ("postgres://h/db?user=u&password=secret", "postgres://h/db?user=u"),
            ("postgres://u:secret@h", "postgres://u@h"),
            ("sqlite:/data/a@b.db", "sqlite:/data/a@b.db"),
            ("redis://u:secret@h", "redis://u@h"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
        let parsed = StoreUrl::parse("postgres://u:secret@h/db?password=secret").unwrap();
        assert_eq!(parsed.name(), "postgres://u@h/db");
        assert!(!format!("{parsed:?}").contains("secret"));
    }
}
