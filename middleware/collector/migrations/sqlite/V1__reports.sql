-- Version 1: table reports and the index that covers the summary's query. IF NOT EXISTS:
-- a database made before numbered migrations already holds both, and is recorded as
-- version 1 unchanged.
CREATE TABLE IF NOT EXISTS reports (
    received_at     TEXT NOT NULL,
    application_id  TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    error_code      TEXT,
    error_subcode   TEXT,
    media_type      TEXT NOT NULL,
    user_agent      TEXT,
    principal       TEXT,
    remote_addr     TEXT
);
CREATE INDEX IF NOT EXISTS reports_by_time ON reports (received_at, error_code, error_subcode);
-- The version as collectors before numbered migrations read it: they refuse a newer one.
PRAGMA user_version = 1;
