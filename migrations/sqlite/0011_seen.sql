-- What each person has seen or marked in a space, outside the record (domain/seen.rs): an
-- entry of their partner's account marked read, an entry of their partner's shown to them
-- (which ends the writer's chance to withdraw it), a milestone seen, the welcome folded away.
-- Only the fact is kept: never when, nor how often.
CREATE TABLE seen (
    space_id  TEXT NOT NULL,
    person_id TEXT NOT NULL,
    mark      TEXT NOT NULL,
    PRIMARY KEY (space_id, person_id, mark)
);
