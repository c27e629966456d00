-- Version 2: the call's context of the Online href (callId, fromUri, toUri, mediaType), and
-- conversation_id nullable, as the Online href names no conversation.
ALTER TABLE reports
    ALTER COLUMN conversation_id DROP NOT NULL,
    ADD COLUMN call_id  text,
    ADD COLUMN from_uri text,
    ADD COLUMN to_uri   text,
    ADD COLUMN modality text;
INSERT INTO mediadiag_schema (version)
    SELECT 2 WHERE NOT EXISTS (SELECT FROM mediadiag_schema WHERE version >= 2);
