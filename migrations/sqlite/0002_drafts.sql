-- Private drafts (letters for now). Never part of the shared record; only their author
-- can read them, and sending one deletes it.
CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES persons(id),
    space_id   TEXT NOT NULL REFERENCES spaces(id),
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX drafts_by_author ON drafts(person_id, space_id);
