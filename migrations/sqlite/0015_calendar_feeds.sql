-- A person's calendar feed (app/calendar_feed.rs): at most one, reached by a secret address.
-- Only the SHA-256 of the address's token is kept, so the address cannot be shown again,
-- and making a new one replaces the row (the old address stops at once). `detailed` is 1
-- when events are titled by their kind, 0 for "Reminder" alone. Outside the record; it goes
-- with the person (and `Store::erase_person` deletes it by name too).
CREATE TABLE calendar_feeds (
    person_id  TEXT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    detailed   INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);
