-- Browsers a person has logged in from before. A log-in attempt from one of them is
-- throttled on its own, so someone guessing at an account from elsewhere can never keep
-- its owner out.
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES persons(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX known_devices_by_person ON known_devices(person_id);
