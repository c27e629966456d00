//! The stores of `--store`: what each URL means, and the stores themselves.

mod jsonl;
mod postgres;
mod sqlite;

use std::path::PathBuf;
use std::time::SystemTime;

pub use jsonl::JsonLines;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub(crate) use sqlite::rfc3339;

/// One row of the summary: a code and subcode, how many, first and last received.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SummaryRow {
    pub(crate) error_code: Option<String>,
    pub(crate) error_subcode: Option<String>,
    pub(crate) count: u64,
    pub(crate) first: String,
    pub(crate) last: String,
}

/// The reports received at `since` or later in the store of `url`, counted per
/// (error_code, error_subcode), largest first.
pub(crate) fn summary_rows(url: &StoreUrl, since: SystemTime) -> Result<Vec<SummaryRow>, String> {
    match url {
        StoreUrl::Sqlite { path, .. } => sqlite::summary_rows(path, since).map_err(|error| error.to_string()),
        StoreUrl::Postgres { url } => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| error.to_string())?;
            runtime.block_on(postgres::summary_rows(url, since)).map_err(|error| error.to_string())
        }
        StoreUrl::JsonLines { .. } => Err("summary reads sqlite: and postgres:// stores".to_owned()),
    }
}

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
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|require]` (or `postgresql://`).
    Postgres {
        /// The whole URL, as given.
        url: String,
    },
}

impl StoreUrl {
    /// Parses a `--store` value; the error says what is wrong with it.
    pub fn parse(url: &str) -> Result<StoreUrl, String> {
        let (kind, rest) = url.split_once(':').ok_or("a store URL starts with sqlite:, jsonl: or postgres://")?;
        match kind {
            "postgres" | "postgresql" => {
                // Checked in full (user, host, database, sslmode) by the store itself.
                PostgresStore::new(url, std::time::Duration::from_secs(1))?;
                Ok(StoreUrl::Postgres { url: url.to_owned() })
            }
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
            StoreUrl::Postgres { url } => without_password(url),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user@host/db`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, location)) = rest.rsplit_once('@') else { return url.to_owned() };
    let user = credentials.split_once(':').map_or(credentials, |(user, _password)| user);
    format!("{scheme}://{user}@{location}")
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
}
