//! The builder users see: [`MediaDiagnosticsLayer`].

use std::sync::Arc;
use std::time::Duration;

use mediadiag::route::{DEFAULT_PREFIXES, QueryError, Resource, match_resource};
use tower_layer::Layer;

use crate::auth::{FromExtensions, ScopeSource};
use crate::handler::ReportHandler;
use crate::limit::CallbackLimit;
use crate::service::MediaDiagnostics;

/// Settings shared by every clone of the layer and its services.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) prefixes: Vec<String>,
    pub(crate) body_limit: usize,
    pub(crate) read_timeout: Duration,
    pub(crate) callback_timeout: Duration,
    pub(crate) callbacks: Arc<CallbackLimit>,
    pub(crate) retry_after_seconds: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            prefixes: DEFAULT_PREFIXES.iter().map(|p| (*p).to_owned()).collect(),
            body_limit: DEFAULT_BODY_LIMIT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            callback_timeout: DEFAULT_CALLBACK_TIMEOUT,
            callbacks: Arc::new(CallbackLimit::new(DEFAULT_MAX_CONCURRENT_CALLBACKS)),
            retry_after_seconds: DEFAULT_RETRY_AFTER_SECONDS,
        }
    }
}

impl Config {
    /// What `href` (a path and query) names, if it is either form of the resource under one
    /// of the prefixes; an error when it is the Online form with a bad query.
    pub(crate) fn resource<'a>(&self, href: &'a str) -> Option<Result<Resource<'a>, QueryError>> {
        self.prefixes.iter().find_map(|prefix| match_resource(href, &[prefix.as_str()]))
    }
}

/// Default body size limit, in bytes.
pub const DEFAULT_BODY_LIMIT: usize = 4096;
/// Default time allowed for the whole body to arrive.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for the callback.
pub const DEFAULT_CALLBACK_TIMEOUT: Duration = Duration::from_secs(5);
/// Default number of callbacks running at once.
pub const DEFAULT_MAX_CONCURRENT_CALLBACKS: usize = 1024;
/// Default `Retry-After` of a 503, in seconds.
pub const DEFAULT_RETRY_AFTER_SECONDS: u32 = 1;

/// A tower layer that intercepts reportMediaDiagnostics and passes everything else through.
///
/// `H` is the callback ([`ReportHandler`]); `A` is where scopes come from ([`ScopeSource`],
/// by default [`FromExtensions`]).
#[derive(Debug)]
pub struct MediaDiagnosticsLayer<H, A = FromExtensions> {
    handler: H,
    scopes: Arc<A>,
    config: Arc<Config>,
}

impl<H: Clone, A> Clone for MediaDiagnosticsLayer<H, A> {
    fn clone(&self) -> Self {
        MediaDiagnosticsLayer {
            handler: self.handler.clone(),
            scopes: self.scopes.clone(),
            config: self.config.clone(),
        }
    }
}

impl<H: ReportHandler> MediaDiagnosticsLayer<H> {
    /// A layer that hands accepted reports to `handler`, taking scopes from the request
    /// extensions ([`FromExtensions`]) until [`Self::scope_source`] says otherwise.
    pub fn new(handler: H) -> Self {
        MediaDiagnosticsLayer { handler, scopes: Arc::new(FromExtensions), config: Arc::new(Config::default()) }
    }
}

impl<H: ReportHandler, A: ScopeSource> MediaDiagnosticsLayer<H, A> {
    /// Takes granted scopes from `source` (static tokens, JWTs, or your own).
    pub fn scope_source<A2: ScopeSource>(self, source: A2) -> MediaDiagnosticsLayer<H, A2> {
        MediaDiagnosticsLayer { handler: self.handler, scopes: Arc::new(source), config: self.config }
    }

    fn configure(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(Arc::make_mut(&mut self.config));
        self
    }

    /// Serves the resource under these path prefixes instead of `/ucwa/v1` and `/ucwa/oauth/v1`.
    #[must_use]
    pub fn prefixes<I: IntoIterator<Item = S>, S: Into<String>>(self, prefixes: I) -> Self {
        self.configure(|config| config.prefixes = prefixes.into_iter().map(Into::into).collect())
    }

    /// Largest accepted body, in bytes (default 4096). Larger ones get 413, unread when the
    /// `Content-Length` already says so.
    #[must_use]
    pub fn body_limit(self, bytes: usize) -> Self {
        self.configure(|config| config.body_limit = bytes)
    }

    /// Time allowed for the whole body to arrive (default 10 s); then 408.
    #[must_use]
    pub fn read_timeout(self, timeout: Duration) -> Self {
        self.configure(|config| config.read_timeout = timeout)
    }

    /// Time allowed for the callback (default 5 s); then 504.
    #[must_use]
    pub fn callback_timeout(self, timeout: Duration) -> Self {
        self.configure(|config| config.callback_timeout = timeout)
    }

    /// Most callbacks running at once (default 1024); past that, 503 with `Retry-After` at once.
    /// Clones of this layer share the bound.
    #[must_use]
    pub fn max_concurrent_callbacks(self, limit: usize) -> Self {
        self.configure(|config| config.callbacks = Arc::new(CallbackLimit::new(limit)))
    }

    /// The `Retry-After` seconds of a 503 when the callbacks are full (default 1).
    #[must_use]
    pub fn retry_after(self, seconds: u32) -> Self {
        self.configure(|config| config.retry_after_seconds = seconds)
    }
}

impl<S, H: ReportHandler, A: ScopeSource> Layer<S> for MediaDiagnosticsLayer<H, A> {
    type Service = MediaDiagnostics<S, H, A>;

    fn layer(&self, inner: S) -> Self::Service {
        MediaDiagnostics::new(inner, self.handler.clone(), self.scopes.clone(), self.config.clone())
    }
}
