-- Version 1: the SQLite store's columns, received_at as timestamptz, and the same index.
-- IF NOT EXISTS: a database made before numbered migrations already holds both, and is
-- recorded as version 1 unchanged.
CREATE TABLE IF NOT EXISTS reports (
    received_at     timestamptz NOT NULL,
    application_id  text NOT NULL,
    conversation_id text NOT NULL,
    error_code      text,
    error_subcode   text,
    media_type      text NOT NULL,
    user_agent      text,
    principal       text,
    remote_addr     text
);
CREATE INDEX IF NOT EXISTS reports_by_time ON reports (received_at, error_code, error_subcode);
-- The version as collectors before numbered migrations read it (the largest row): they
-- refuse a newer one.
CREATE TABLE IF NOT EXISTS mediadiag_schema (version integer NOT NULL);
INSERT INTO mediadiag_schema (version)
    SELECT 1 WHERE NOT EXISTS (SELECT FROM mediadiag_schema WHERE version >= 1);
