-- The readiness check's own rows: `/readyz` proves writes work by committing here (and by
-- growing `readiness_room` in a transaction it rolls back), never by touching real data.
CREATE TABLE readiness (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL
);
INSERT INTO readiness (id, checked_at) VALUES (1, 0);
CREATE TABLE readiness_room (filler BYTEA NOT NULL);
