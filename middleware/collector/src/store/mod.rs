//! The stores of `--store`: what each URL means, and the stores themselves.

mod jsonl;
mod sqlite;

use std::path::PathBuf;

pub use jsonl::JsonLines;
pub use sqlite::SqliteStore;
pub(crate) use sqlite::{rfc3339, summary_rows};

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
}

impl StoreUrl {
    /// Parses a `--store` value; the error says what is wrong with it.
    pub fn parse(url: &str) -> Result<StoreUrl, String> {
        let (kind, rest) = url.split_once(':').ok_or("a store URL starts with sqlite: or jsonl:")?;
        match kind {
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
            _ => Err(format!("unknown store kind {kind:?}: use sqlite: or jsonl:")),
        }
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
}
