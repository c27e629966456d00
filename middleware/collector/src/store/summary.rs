//! The counting queries of `summary` and of the admin page, written once for both SQL stores:
//! a [`Counting`] (dimensions, window, filter, limit) becomes one SQL statement per dialect,
//! and its answer is [`Counted`] rows.

use std::time::SystemTime;

use super::Dialect;

/// What reports can be counted by. Each is one or two columns (or an expression of
/// `received_at`) of table `reports`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Dimension {
    /// `error_code`.
    Code,
    /// `error_subcode`.
    Subcode,
    /// `error_code` and `error_subcode` together.
    Pair,
    /// `user_agent`: the phone's firmware.
    UserAgent,
    /// `application_id`.
    Application,
    /// `principal`: personal data.
    Principal,
    /// `modality`: the Online href's `mediaType` (schema version 2).
    Modality,
    /// `from_uri`: the remote party's SIP URI (schema version 2); personal data.
    FromUri,
    /// `to_uri`: the local user's SIP URI (schema version 2); personal data.
    ToUri,
    /// The hour of `received_at`, UTC, as `2026-12-06T13:00:00Z`.
    Hour,
    /// The day of `received_at`, UTC, as `2026-12-06`.
    Day,
}

impl Dimension {
    /// Every dimension, in the order `--help` lists them.
    pub(crate) const ALL: [Dimension; 11] = [
        Dimension::Code,
        Dimension::Subcode,
        Dimension::Pair,
        Dimension::UserAgent,
        Dimension::Modality,
        Dimension::Application,
        Dimension::Principal,
        Dimension::FromUri,
        Dimension::ToUri,
        Dimension::Hour,
        Dimension::Day,
    ];

    /// Its name on the command line (`--by`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Dimension::Code => "code",
            Dimension::Subcode => "subcode",
            Dimension::Pair => "pair",
            Dimension::UserAgent => "user-agent",
            Dimension::Application => "application",
            Dimension::Principal => "principal",
            Dimension::Modality => "modality",
            Dimension::FromUri => "from-uri",
            Dimension::ToUri => "to-uri",
            Dimension::Hour => "hour",
            Dimension::Day => "day",
        }
    }

    /// The dimension named `name` (as [`Dimension::name`] writes it).
    pub(crate) fn from_name(name: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|dimension| dimension.name() == name)
    }

    /// The names of its values in JSON and CSV, one per column it groups by.
    pub(crate) fn fields(self) -> &'static [&'static str] {
        match self {
            Dimension::Code => &["errorCode"],
            Dimension::Subcode => &["errorSubcode"],
            Dimension::Pair => &["errorCode", "errorSubcode"],
            Dimension::UserAgent => &["userAgent"],
            Dimension::Application => &["applicationId"],
            Dimension::Principal => &["principal"],
            Dimension::Modality => &["modality"],
            Dimension::FromUri => &["fromUri"],
            Dimension::ToUri => &["toUri"],
            Dimension::Hour => &["hour"],
            Dimension::Day => &["day"],
        }
    }

    /// Whether its values name people (shown on the admin page only with its credential).
    pub(crate) fn is_personal(self) -> bool {
        matches!(self, Dimension::Principal | Dimension::FromUri | Dimension::ToUri)
    }

    /// Whether it is a time bucket: the rows are then in time order rather than by count.
    fn is_time(self) -> bool {
        matches!(self, Dimension::Hour | Dimension::Day)
    }

    /// Its SQL expressions in `dialect`, each yielding text or NULL. Both dialects write the
    /// same text for a time bucket.
    fn expressions(self, dialect: Dialect) -> Vec<&'static str> {
        match (self, dialect) {
            (Dimension::Code, _) => vec!["error_code"],
            (Dimension::Subcode, _) => vec!["error_subcode"],
            (Dimension::Pair, _) => vec!["error_code", "error_subcode"],
            (Dimension::UserAgent, _) => vec!["user_agent"],
            (Dimension::Application, _) => vec!["application_id"],
            (Dimension::Principal, _) => vec!["principal"],
            (Dimension::Modality, _) => vec!["modality"],
            (Dimension::FromUri, _) => vec!["from_uri"],
            (Dimension::ToUri, _) => vec!["to_uri"],
            // Stored as RFC 3339 text, UTC: its first 13 characters are the hour.
            (Dimension::Hour, Dialect::Sqlite) => vec!["substr(received_at, 1, 13) || ':00:00Z'"],
            (Dimension::Hour, Dialect::Postgres) => {
                vec!["to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24\":00:00Z\"')"]
            }
            (Dimension::Day, Dialect::Sqlite) => vec!["substr(received_at, 1, 10)"],
            (Dimension::Day, Dialect::Postgres) => vec!["to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"],
        }
    }
}

/// One counting query: the reports received in `[since, until)`, optionally of one
/// (code, subcode) pair only, counted per value of `by` (all together when `by` is empty).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Counting {
    pub(crate) by: Vec<Dimension>,
    pub(crate) since: SystemTime,
    pub(crate) until: Option<SystemTime>,
    /// Only the reports of this (error_code, error_subcode); `None` in it matches NULL.
    pub(crate) pair: Option<(Option<String>, Option<String>)>,
    /// At most this many rows.
    pub(crate) limit: Option<u64>,
}

/// One row of a [`Counting`]: the values of its dimensions' fields, in order, then how many
/// reports and the first and last time one was received (RFC 3339 text as
/// [`super::rfc3339`] writes it; `None` only when nothing was counted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Counted {
    pub(crate) keys: Vec<Option<String>>,
    pub(crate) count: u64,
    pub(crate) first: Option<String>,
    pub(crate) last: Option<String>,
}

impl Counting {
    /// All reports received at `since` or later, counted by `by`.
    pub(crate) fn new(by: Vec<Dimension>, since: SystemTime) -> Counting {
        Counting { by, since, until: None, pair: None, limit: None }
    }

    /// How many key columns its rows have.
    pub(crate) fn key_columns(&self) -> usize {
        self.by.iter().map(|dimension| dimension.fields().len()).sum()
    }

    /// The statement in `dialect` and its text parameters in order (`None` is NULL). Its
    /// columns: the keys ([`Counting::key_columns`] of them), then count, first and last.
    pub(crate) fn sql(&self, dialect: Dialect) -> (String, Vec<Option<String>>) {
        let mut parameters = vec![Some(super::rfc3339(self.since))];
        // A parameter's placeholder: text, made a timestamp where `received_at` is compared.
        let placeholder = |number: usize, time: bool| match (dialect, time) {
            (Dialect::Sqlite, _) => format!("?{number}"),
            (Dialect::Postgres, false) => format!("${number}::text"),
            (Dialect::Postgres, true) => format!("${number}::text::timestamptz"),
        };
        let mut filters = vec![format!("received_at >= {}", placeholder(1, true))];
        if let Some(until) = self.until {
            parameters.push(Some(super::rfc3339(until)));
            filters.push(format!("received_at < {}", placeholder(parameters.len(), true)));
        }
        if let Some((code, subcode)) = &self.pair {
            // NULL-safe equality: an absent code is a value to filter on too.
            let same = match dialect {
                Dialect::Sqlite => "IS",
                Dialect::Postgres => "IS NOT DISTINCT FROM",
            };
            parameters.push(code.clone());
            filters.push(format!("error_code {same} {}", placeholder(parameters.len(), false)));
            parameters.push(subcode.clone());
            filters.push(format!("error_subcode {same} {}", placeholder(parameters.len(), false)));
        }
        let keys: Vec<&str> = self.by.iter().flat_map(|dimension| dimension.expressions(dialect)).collect();
        let (first, last) = match dialect {
            // Stored as that very text, whose order is time order.
            Dialect::Sqlite => ("min(received_at)".to_owned(), "max(received_at)".to_owned()),
            Dialect::Postgres => (utc_text("min(received_at)"), utc_text("max(received_at)")),
        };
        let mut sql = String::from("SELECT ");
        for key in &keys {
            sql.push_str(key);
            sql.push_str(", ");
        }
        sql.push_str(&format!("count(*), {first}, {last} FROM reports WHERE {}", filters.join(" AND ")));
        if !keys.is_empty() {
            // Grouped and ordered by position: the expressions are written once.
            let positions: Vec<String> = (1..=keys.len()).map(|position| position.to_string()).collect();
            sql.push_str(&format!(" GROUP BY {}", positions.join(", ")));
            // Time buckets first, oldest first; then the largest counts; then the keys.
            let mut order = Vec::new();
            let mut position = 1;
            for dimension in &self.by {
                let width = dimension.fields().len();
                if dimension.is_time() {
                    order.push(position.to_string());
                }
                position += width;
            }
            order.push(format!("{} DESC", keys.len() + 1));
            order.extend(positions);
            sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
        }
        if let Some(limit) = self.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        (sql, parameters)
    }
}

impl Counted {
    /// A row from the statement's columns: the keys, then count, first and last.
    pub(crate) fn new(keys: Vec<Option<String>>, count: i64, first: Option<String>, last: Option<String>) -> Self {
        Counted { keys, count: u64::try_from(count).unwrap_or(0), first, last }
    }
}

/// The statement that reads the latest `received_at` of all, as RFC 3339 text (NULL when
/// the table is empty): one step down the index in both dialects.
pub(crate) fn latest_sql(dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => "SELECT max(received_at) FROM reports".to_owned(),
        Dialect::Postgres => format!("SELECT {} FROM reports", utc_text("max(received_at)")),
    }
}

/// What one read of a store answered: each counting's rows, in order, and the latest
/// `received_at` of all.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reading {
    pub(crate) answers: Vec<Vec<Counted>>,
    pub(crate) latest: Option<String>,
}

/// A PostgreSQL `timestamptz` expression as RFC 3339 text, UTC, milliseconds.
fn utc_text(timestamp: &str) -> String {
    format!("to_char({timestamp} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pair_query_groups_orders_and_filters_in_both_dialects() {
        let mut counting = Counting::new(vec![Dimension::Pair], SystemTime::UNIX_EPOCH);
        let (sql, parameters) = counting.sql(Dialect::Sqlite);
        assert_eq!(
            sql,
            "SELECT error_code, error_subcode, count(*), min(received_at), max(received_at) FROM reports \
             WHERE received_at >= ?1 GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
        );
        assert_eq!(parameters, [Some("1970-01-01T00:00:00.000Z".to_owned())]);
        counting.by = vec![Dimension::Day, Dimension::UserAgent];
        counting.until = Some(SystemTime::UNIX_EPOCH);
        counting.pair = Some((Some("Gone".to_owned()), None));
        counting.limit = Some(5);
        let (sql, parameters) = counting.sql(Dialect::Postgres);
        assert!(sql.contains("WHERE received_at >= $1::text::timestamptz AND received_at < $2::text::timestamptz"));
        assert!(
            sql.contains("error_code IS NOT DISTINCT FROM $3::text AND error_subcode IS NOT DISTINCT FROM $4::text")
        );
        assert!(sql.ends_with("GROUP BY 1, 2 ORDER BY 1, 3 DESC, 1, 2 LIMIT 5"), "{sql}");
        assert_eq!(parameters.len(), 4);
        assert_eq!(parameters[2].as_deref(), Some("Gone"));
        assert_eq!(parameters[3], None);
    }

    #[test]
    fn without_dimensions_one_row_counts_everything() {
        let (sql, _) = Counting::new(Vec::new(), SystemTime::UNIX_EPOCH).sql(Dialect::Sqlite);
        assert_eq!(sql, "SELECT count(*), min(received_at), max(received_at) FROM reports WHERE received_at >= ?1");
    }

    #[test]
    fn every_dimension_has_a_name_that_reads_back_and_a_field_per_expression() {
        for dimension in Dimension::ALL {
            assert_eq!(Dimension::from_name(dimension.name()), Some(dimension));
            for dialect in [Dialect::Sqlite, Dialect::Postgres] {
                assert_eq!(dimension.expressions(dialect).len(), dimension.fields().len());
            }
        }
    }
}
