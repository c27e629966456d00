//! The operator's page, `GET /` on the admin listener: reports per hour stacked by error code,
//! the top (code, subcode) pairs, a pair's drill-down (`/?pair=CODE/SUBCODE`), the stores'
//! readiness, the last report's time and the answers since start. Server-rendered HTML with
//! inline SVG, no script, no external asset.
//!
//! It reads the first `sqlite:` or `postgres://` store through a read-only connection of its
//! own, with the counting queries of `summary` ([`crate::store::Counting`]), one snapshot per
//! page, and keeps each answer [`FRESH`] per distinct query so that a refresh storm reads the
//! database once. A store it cannot read makes it answer 503, saying so.
//!
//! Personal data (principals, SIP URIs) is shown only when the operator set a password
//! (`--admin-password-file`): then the page asks for it (HTTP Basic, any user name) and shows
//! everything; without one the page is open and shows counts, codes, modalities and user
//! agents only.

mod auth;
mod html;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use mediadiag_batch::Batcher;

use crate::activity::Activity;
use crate::store::{Counted, Counting, Dimension, Reader, Reading, StoreUrl};

pub(crate) use auth::Password;

/// How long an answer of the store is shown again for the same query.
const FRESH: Duration = Duration::from_secs(5);
/// Most answers kept; past it the cache is emptied (a scan of odd queries cannot grow it).
const CACHED_QUERIES: usize = 64;
/// The window when the query names none.
const DEFAULT_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// The longest window: 400 days.
const LONGEST_WINDOW: Duration = Duration::from_secs(400 * 24 * 3600);
/// Windows longer than this are charted per day rather than per hour.
const HOURLY_UP_TO: Duration = Duration::from_secs(7 * 24 * 3600);
/// Rows of each top list.
const TOP: u64 = 20;
/// The statement timeout of the page's PostgreSQL session.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);

/// The page and what it reads.
pub(crate) struct Page {
    source: Option<Source>,
    password: Option<Password>,
    cache: Mutex<HashMap<Query, Cached>>,
    batcher: Batcher,
    activity: Arc<Activity>,
    started: SystemTime,
}

/// The store the page reads.
struct Source {
    /// The `--store` URL, without a password.
    name: String,
    /// One read at a time: a refresh storm queues here, and all but the first find the cache
    /// filled.
    reader: tokio::sync::Mutex<Reader>,
}

/// What a request asks for, as far as the store is concerned: the cache's key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Query {
    window: Duration,
    pair: Option<Pair>,
    personal: bool,
}

/// A (code, subcode) pair; `None` is an absent value.
type Pair = (Option<String>, Option<String>);

/// A store's answer and when it was read.
#[derive(Clone)]
struct Cached {
    read_at: Instant,
    now: SystemTime,
    reading: Arc<Reading>,
}

/// Where each counting's answer is in a [`Reading`].
struct Layout {
    /// Per time bucket and pair: the chart, the top pairs and the total, from one scan.
    chart: usize,
    drill: Option<DrillLayout>,
}

struct DrillLayout {
    total: usize,
    user_agents: usize,
    modalities: usize,
    /// Principal, from_uri and to_uri: only with the credential.
    personal: Option<[usize; 3]>,
}

impl Page {
    /// The page of a collector with these `--store` URLs: it reads the first `sqlite:` or
    /// `postgres://` one. `password_file`: the page asks for that password, and shows
    /// personal data.
    pub(crate) fn new(
        stores: &[String],
        password_file: Option<&Path>,
        batcher: Batcher,
        activity: Arc<Activity>,
    ) -> Result<Page, String> {
        let password = password_file.map(Password::read).transpose()?;
        let source = stores
            .iter()
            .filter_map(|url| StoreUrl::parse(url).ok())
            .find(|url| matches!(url, StoreUrl::Sqlite { .. } | StoreUrl::Postgres(_)))
            .map(|url| {
                Reader::new(&url, STATEMENT_TIMEOUT)
                    .map(|reader| Source { name: url.name(), reader: tokio::sync::Mutex::new(reader) })
            })
            .transpose()?;
        Ok(Page { source, password, cache: Mutex::new(HashMap::new()), batcher, activity, started: SystemTime::now() })
    }

    /// The answer to `GET /` with the request's query and headers.
    pub(crate) async fn answer<B>(&self, request: &Request<B>) -> Response<Full<Bytes>> {
        if let Some(password) = &self.password
            && !password.admits(request.headers().get(AUTHORIZATION))
        {
            let mut response = page(StatusCode::UNAUTHORIZED, html::message("This page needs the admin password."));
            response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(auth::CHALLENGE));
            return response;
        }
        let query = match parse_query(request.uri().query().unwrap_or(""), self.password.is_some()) {
            Ok(query) => query,
            Err(why) => return page(StatusCode::BAD_REQUEST, html::message(&why)),
        };
        let status = self.status();
        let Some(source) = &self.source else {
            let why = "No sqlite: or postgres:// store to read: the page reads the first one of --store.";
            return page(StatusCode::SERVICE_UNAVAILABLE, html::unavailable(&status, why));
        };
        match self.read(source, &query).await {
            Ok(cached) => {
                let view = view(&query, &cached, status);
                page(StatusCode::OK, html::render(&view))
            }
            Err(why) => {
                let why = format!("The store {} cannot be read: {why}", source.name);
                page(StatusCode::SERVICE_UNAVAILABLE, html::unavailable(&status, &why))
            }
        }
    }

    /// The store's answer to `query`, from the cache while fresh.
    async fn read(&self, source: &Source, query: &Query) -> Result<Cached, String> {
        if let Some(cached) = self.fresh(query) {
            return Ok(cached);
        }
        let mut reader = source.reader.lock().await;
        // Another request may have read it while this one waited.
        if let Some(cached) = self.fresh(query) {
            return Ok(cached);
        }
        let now = SystemTime::now();
        let (countings, _) = countings(query, now);
        let reading = reader.read(&countings).await?;
        let cached = Cached { read_at: Instant::now(), now, reading: Arc::new(reading) };
        let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.retain(|_, cached| cached.read_at.elapsed() < FRESH);
        if cache.len() >= CACHED_QUERIES {
            cache.clear();
        }
        cache.insert(query.clone(), cached.clone());
        Ok(cached)
    }

    fn fresh(&self, query: &Query) -> Option<Cached> {
        let cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.get(query).filter(|cached| cached.read_at.elapsed() < FRESH).cloned()
    }

    /// What the process knows without the store.
    fn status(&self) -> html::Status {
        html::Status {
            stores: self.batcher.readiness().map(|(store, ready)| (store.to_owned(), ready)).collect(),
            answers: self.activity.since_start(),
            started: self.started,
        }
    }
}

/// The countings of a page, in one snapshot, and where each answer is.
fn countings(query: &Query, now: SystemTime) -> (Vec<Counting>, Layout) {
    let since = now.checked_sub(query.window).unwrap_or(SystemTime::UNIX_EPOCH).max(SystemTime::UNIX_EPOCH);
    let bucket = if query.window <= HOURLY_UP_TO { Dimension::Hour } else { Dimension::Day };
    // One scan of the window gives the chart, the top pairs and the total (the benchmark in
    // docs/BENCHMARKS.md: a scan per part took about twice as long).
    let mut countings = vec![Counting::new(vec![bucket, Dimension::Pair], since)];
    let mut layout = Layout { chart: 0, drill: None };
    if let Some(pair) = &query.pair {
        let of_pair =
            |by: Vec<Dimension>, limit| Counting { pair: Some(pair.clone()), limit, ..Counting::new(by, since) };
        let mut add = |counting| {
            countings.push(counting);
            countings.len() - 1
        };
        let total = add(of_pair(Vec::new(), None));
        let user_agents = add(of_pair(vec![Dimension::UserAgent], Some(TOP)));
        let modalities = add(of_pair(vec![Dimension::Modality], Some(TOP)));
        let personal = query.personal.then(|| {
            [Dimension::Principal, Dimension::FromUri, Dimension::ToUri].map(|by| add(of_pair(vec![by], Some(TOP))))
        });
        layout.drill = Some(DrillLayout { total, user_agents, modalities, personal });
    }
    debug_assert!(query.personal || countings.iter().flat_map(|counting| &counting.by).all(|by| !by.is_personal()));
    (countings, layout)
}

/// The view of a read: what [`html::render`] draws.
fn view<'a>(query: &'a Query, cached: &'a Cached, status: html::Status) -> html::View<'a> {
    let (countings, layout) = countings(query, cached.now);
    let answers = &cached.reading.answers;
    let answer = |index: usize| answers.get(index).map(Vec::as_slice).unwrap_or(&[]);
    let count = |index: usize| answer(index).first().map_or(0, |row| row.count);
    let chart = answer(layout.chart);
    // The pairs of the chart's rows (keys: bucket, code, subcode), summed over the buckets.
    let mut pairs: Vec<Counted> = Vec::new();
    for row in chart {
        let keys = &row.keys[1..];
        match pairs.iter_mut().find(|pair| pair.keys == keys) {
            Some(pair) => pair.count += row.count,
            None => pairs.push(Counted { keys: keys.to_vec(), count: row.count, first: None, last: None }),
        }
    }
    pairs.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.keys.cmp(&b.keys)));
    pairs.truncate(TOP as usize);
    html::View {
        window: query.window,
        since: countings[layout.chart].since,
        now: cached.now,
        hourly: countings[layout.chart].by[0] == Dimension::Hour,
        chart,
        pairs,
        total: chart.iter().map(|row| row.count).sum(),
        latest: cached.reading.latest.as_deref(),
        drill: layout.drill.map(|drill| html::Drill {
            pair: query.pair.as_ref().map_or((None, None), |(code, subcode)| (code.as_deref(), subcode.as_deref())),
            total: count(drill.total),
            user_agents: answer(drill.user_agents),
            modalities: answer(drill.modalities),
            personal: drill.personal.map(|indexes| indexes.map(answer)),
        }),
        personal: query.personal,
        status,
    }
}

/// The page's query string: `since` (a duration, default 24h) and `pair` (`CODE/SUBCODE`,
/// either empty for an absent value). Other parameters are ignored.
fn parse_query(text: &str, personal: bool) -> Result<Query, String> {
    let mut query = Query { window: DEFAULT_WINDOW, pair: None, personal };
    for parameter in text.split('&').filter(|parameter| !parameter.is_empty()) {
        let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
        let value = html::percent_decode(value).ok_or("The query is not valid percent-encoded UTF-8.")?;
        match name {
            "since" if !value.is_empty() => {
                let window = humantime::parse_duration(value.trim())
                    .map_err(|_| "since: a duration such as 1h, 24h or 7d.".to_owned())?;
                if window.is_zero() || window > LONGEST_WINDOW {
                    return Err("since: from 1s to 400 days.".to_owned());
                }
                query.window = window;
            }
            "pair" => {
                let (code, subcode) =
                    value.split_once('/').ok_or("pair: CODE/SUBCODE, either part empty when absent.")?;
                let part = |name: &str| (!name.is_empty()).then(|| name.to_owned());
                query.pair = Some((part(code), part(subcode)));
            }
            _ => {}
        }
    }
    Ok(query)
}

/// An HTML response: never cached (it may hold personal data), never framed, no script, no
/// asset from anywhere (the Content-Security-Policy forbids both, should an escape ever fail).
fn page(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    );
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_a_window_and_a_pair() {
        let query = parse_query("", false).unwrap();
        assert_eq!((query.window, query.pair), (DEFAULT_WINDOW, None));
        let query = parse_query("since=7d&pair=BadRequest%2FInviteesOnly&x=1", true).unwrap();
        assert_eq!(query.window, Duration::from_secs(7 * 86400));
        assert_eq!(query.pair, Some((Some("BadRequest".to_owned()), Some("InviteesOnly".to_owned()))));
        assert!(query.personal);
        assert_eq!(parse_query("pair=Gone/", false).unwrap().pair, Some((Some("Gone".to_owned()), None)));
        assert_eq!(parse_query("since=1h+30m", false).unwrap().window, Duration::from_secs(5400));
        assert!(parse_query("since=forever", false).is_err());
        assert!(parse_query("since=401d", false).is_err());
        assert!(parse_query("pair=Gone", false).is_err());
        assert!(parse_query("pair=%ff", false).is_err());
    }

    #[test]
    fn personal_countings_only_with_the_credential() {
        let now = SystemTime::now();
        let pair = Some((Some("Gone".to_owned()), None));
        let open = Query { window: DEFAULT_WINDOW, pair: pair.clone(), personal: false };
        let (read, layout) = countings(&open, now);
        assert!(layout.drill.unwrap().personal.is_none());
        assert!(read.iter().all(|counting| counting.by.iter().all(|dimension| !dimension.is_personal())));
        let admitted = Query { personal: true, ..open };
        let (read, layout) = countings(&admitted, now);
        let [principals, from, to] = layout.drill.unwrap().personal.unwrap();
        assert_eq!(read[principals].by, [Dimension::Principal]);
        assert_eq!((&read[from].by[..], &read[to].by[..]), (&[Dimension::FromUri][..], &[Dimension::ToUri][..]));
    }
}
