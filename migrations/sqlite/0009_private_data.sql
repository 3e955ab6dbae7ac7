-- Private data (see docs/private-data.md). Each person's data key is kept only wrapped:
-- under a key from their password (with a salt of its own), under their recovery key, and,
-- while they are signed in, under a key from the session cookie's token.
ALTER TABLE persons ADD COLUMN data_key_salt BLOB;
ALTER TABLE persons ADD COLUMN data_key_by_password BLOB;
ALTER TABLE persons ADD COLUMN data_key_by_recovery BLOB;
-- When they confirmed they wrote the recovery key down (NULL: not yet).
ALTER TABLE persons ADD COLUMN recovery_confirmed_at BIGINT;
ALTER TABLE sessions ADD COLUMN data_key BLOB;

-- Journal entries: nothing in clear but whose they are. The date, the text and every time
-- are inside the sealed bytes, padded to a multiple of 256 bytes.
CREATE TABLE journal_entries (
    id        TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id),
    sealed    BLOB NOT NULL
);
CREATE INDEX journal_entries_by_person ON journal_entries(person_id);

-- Drafts are sealed the same way; a draft written before is sealed at its author's next
-- sign-in, and its clear body and time are then emptied.
ALTER TABLE drafts ADD COLUMN sealed BLOB;
