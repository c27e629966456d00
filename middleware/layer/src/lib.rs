//! A tower [`Layer`](tower_layer::Layer) that answers UCWA's `reportMediaDiagnostics`
//! operation (Skype for Business 2015) in any hyper, axum or tonic stack.
//!
//! It intercepts one resource at both of its hrefs, the documented
//! `POST {prefix}/applications/{app}/communication/conversations/{conv}/audioVideo/reportMediaDiagnostics`
//! and the one Skype for Business Online advertised,
//! `POST {prefix}/applications/{app}/communication/callMediaDiagnostics?callId=..&fromUri=..&mediaType=..&toUri=..`,
//! checks method, credentials, scopes, query, media type, size and time in the order of the
//! behaviour contract (docs/behaviour.md), decodes the body with the `mediadiag` crate, and hands a typed
//! [`Reported`] to your callback. Every other request goes to the inner service untouched,
//! its body unread.
//!
//! ```
//! use std::convert::Infallible;
//! use tower_mediadiag::{MediaDiagnosticsLayer, Rejection, Reported, StaticTokens};
//!
//! let layer = MediaDiagnosticsLayer::new(|reported: Reported| async move {
//!     println!("{}: {:?}", reported.conversation_id(), reported.report());
//!     Ok::<(), Rejection>(())
//! })
//! .scope_source(StaticTokens::new().with_token("dev-token", tower_mediadiag::Scopes::BOTH));
//!
//! // Any tower service can sit inside, here a service that answers 404.
//! let inner = tower::service_fn(|_req: http::Request<String>| async {
//!     Ok::<_, Infallible>(http::Response::builder().status(404).body(String::new()).unwrap())
//! });
//! let service = tower::ServiceBuilder::new().layer(layer).service(inner);
//! # let _ = service;
//! ```
#![warn(
    clippy::all,
    clippy::dbg_macro,
    clippy::todo,
    clippy::empty_enums,
    clippy::enum_glob_use,
    clippy::mem_forget,
    clippy::unused_self,
    clippy::filter_map_next,
    clippy::needless_continue,
    clippy::needless_borrow,
    clippy::match_wildcard_for_single_variants,
    clippy::if_let_mutex,
    clippy::await_holding_lock,
    clippy::imprecise_flops,
    clippy::suboptimal_flops,
    clippy::lossy_float_literal,
    clippy::rest_pat_in_fully_bound_structs,
    clippy::fn_params_excessive_bools,
    clippy::exit,
    clippy::inefficient_to_string,
    clippy::linkedlist,
    clippy::macro_use_imports,
    clippy::option_option,
    clippy::verbose_file_reads,
    clippy::unnested_or_patterns,
    rust_2018_idioms,
    future_incompatible,
    nonstandard_style,
    missing_docs
)]
#![deny(unreachable_pub)]
#![allow(elided_lifetimes_in_paths, clippy::type_complexity)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod body;
mod context;
mod facts;
mod future;
mod handler;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod jwt;
mod layer;
mod limit;
pub mod metrics;
mod read;
mod respond;
mod service;

/// The repository README's examples (the core's and the layer's), compiled and run as this
/// crate's doctests (the JWT example needs the `jwt` feature).
#[cfg(all(doctest, feature = "jwt"))]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

pub use auth::{
    Authorization, EitherSource, FromExtensions, GrantedScopes, ScopeFn, ScopeSource, StaticTokens, scope_fn,
};
pub use body::ResponseBody;
pub use context::{CallContext, CallModality};
pub use future::ResponseFuture;
pub use handler::{Rejection, ReportHandler, Reported, ServiceHandler};
pub use layer::{
    DEFAULT_BODY_LIMIT, DEFAULT_CALLBACK_TIMEOUT, DEFAULT_MAX_CONCURRENT_CALLBACKS, DEFAULT_READ_TIMEOUT,
    DEFAULT_RETRY_AFTER_SECONDS, MediaDiagnosticsLayer,
};
pub use mediadiag::route::Modality;
pub use mediadiag::{DecodeError, Encoding, ErrorCode, ErrorSubcode, MediaType, Report, Scope, Scopes};
pub use service::MediaDiagnostics;
