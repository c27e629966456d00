-- Version 2: the call's context of the Online href (callId, fromUri, toUri, mediaType), and
-- conversation_id nullable, as the Online href names no conversation. SQLite cannot drop a
-- NOT NULL in place: the table is made anew and every row copied, in this migration's
-- transaction, so a failure leaves version 1 as it was.
CREATE TABLE reports_v2 (
    received_at     TEXT NOT NULL,
    application_id  TEXT NOT NULL,
    conversation_id TEXT,
    error_code      TEXT,
    error_subcode   TEXT,
    media_type      TEXT NOT NULL,
    user_agent      TEXT,
    principal       TEXT,
    remote_addr     TEXT,
    call_id         TEXT,
    from_uri        TEXT,
    to_uri          TEXT,
    modality        TEXT
);
INSERT INTO reports_v2 (received_at, application_id, conversation_id, error_code, error_subcode,
    media_type, user_agent, principal, remote_addr)
    SELECT received_at, application_id, conversation_id, error_code, error_subcode, media_type,
        user_agent, principal, remote_addr
    FROM reports ORDER BY rowid;
DROP TABLE reports;
ALTER TABLE reports_v2 RENAME TO reports;
CREATE INDEX reports_by_time ON reports (received_at, error_code, error_subcode);
PRAGMA user_version = 2;
