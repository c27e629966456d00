//! The durable peer an operator would write by hand instead of the collector: an axum handler
//! that validates the report like the `axum_json` peer, then stores it with sqlx's SQLite pool
//! (WAL, `synchronous=NORMAL`, the collector's default durability), one INSERT committed per
//! request, and answers 204 after the commit.

use std::str::FromStr;
use std::time::SystemTime;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::stacks::{PeerBody, validated};

/// The router, its pool opened on the database file `path` (created with its table).
pub async fn router(path: &std::path::Path) -> Result<axum::Router, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let pool = SqlitePoolOptions::new().connect_with(options).await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS reports (received_at TEXT NOT NULL, application_id TEXT NOT NULL, \
         conversation_id TEXT NOT NULL, error_code TEXT, error_subcode TEXT)",
    )
    .execute(&pool)
    .await?;
    Ok(axum::Router::new()
        .route(
            "/ucwa/v1/applications/{application}/communication/conversations/{conversation}/audioVideo/reportMediaDiagnostics",
            axum::routing::post(store),
        )
        .with_state(pool))
}

/// Token, JSON extractor, enums validated by hand, one committed INSERT, then 204.
async fn store(
    State(pool): State<SqlitePool>,
    Path((application, conversation)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<PeerBody>,
) -> StatusCode {
    let (code, subcode) = match validated(&headers, &body) {
        Ok(values) => values,
        Err(status) => return status,
    };
    let received_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let inserted = sqlx::query(
        "INSERT INTO reports (received_at, application_id, conversation_id, error_code, error_subcode) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(received_at)
    .bind(application)
    .bind(conversation)
    .bind(code.map(|code| code.as_str()))
    .bind(subcode.map(|subcode| subcode.as_str()))
    .execute(&pool)
    .await;
    match inserted {
        Ok(_) => StatusCode::NO_CONTENT,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}
