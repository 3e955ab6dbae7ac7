-- A snapshot of a space's folded state (domain/snapshot.rs, app/snapshots.rs): the state as
-- it stood at (head_seq, head_hash), in the encoding of fold_version, so a space met for the
-- first time by a process folds only the events after it. At most one per space, replaced
-- as the record grows. Never the record itself: it can always be folded again from the
-- events, and is deleted in the same transaction as any append that removes words (and with
-- its space), so removed words never outlive their events here.
CREATE TABLE snapshots (
    space_id     TEXT PRIMARY KEY REFERENCES spaces(id) ON DELETE CASCADE,
    fold_version BIGINT NOT NULL,
    head_seq     BIGINT NOT NULL,
    head_hash    BYTEA NOT NULL,
    bytes        BYTEA NOT NULL,
    written_at   BIGINT NOT NULL
);
