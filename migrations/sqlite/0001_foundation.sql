-- Accounts, sessions, spaces, invites and the append-only record.
-- Times are integers: microseconds (events) or seconds (everything else) since the Unix epoch, UTC.

CREATE TABLE persons (
    id            TEXT PRIMARY KEY,
    email_norm    TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    person_id    TEXT NOT NULL REFERENCES persons(id),
    csrf         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    flash        TEXT
);
CREATE INDEX sessions_by_person ON sessions(person_id);

CREATE TABLE login_failures (
    throttle_key TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures(throttle_key, at);

CREATE TABLE spaces (
    id         TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    head_seq   BIGINT NOT NULL,
    head_hash  BLOB NOT NULL
);

CREATE TABLE members (
    space_id  TEXT NOT NULL REFERENCES spaces(id),
    person_id TEXT NOT NULL REFERENCES persons(id),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (space_id, person_id)
);
CREATE INDEX members_by_person ON members(person_id);

CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    space_id   TEXT NOT NULL REFERENCES spaces(id),
    created_by TEXT NOT NULL REFERENCES persons(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    used_by    TEXT REFERENCES persons(id),
    revoked_at BIGINT
);
CREATE INDEX invites_by_space ON invites(space_id);

CREATE TABLE events (
    space_id TEXT NOT NULL REFERENCES spaces(id),
    seq      BIGINT NOT NULL CHECK (seq > 0),
    at_us    BIGINT NOT NULL,
    author   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    body     TEXT,
    salt     BLOB,
    digest   BLOB NOT NULL,
    prev     BLOB NOT NULL,
    hash     BLOB NOT NULL,
    PRIMARY KEY (space_id, seq),
    CHECK ((body IS NULL) = (salt IS NULL))
);

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the record is append-only: events cannot be deleted');
END;

-- The one permitted change is redaction: body and salt become NULL, all else stays.
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
WHEN NOT (
    NEW.body IS NULL AND NEW.salt IS NULL
    AND NEW.space_id = OLD.space_id AND NEW.seq = OLD.seq AND NEW.at_us = OLD.at_us
    AND NEW.author = OLD.author AND NEW.kind = OLD.kind AND NEW.digest = OLD.digest
    AND NEW.prev = OLD.prev AND NEW.hash = OLD.hash
)
BEGIN
    SELECT RAISE(ABORT, 'the record is append-only: events cannot be changed');
END;
