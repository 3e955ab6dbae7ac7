-- A counsellor's invitation link: as for a partner's, only the token's hash is kept.
-- `engagement` is the invitation's id in the couple's record.
CREATE TABLE counsellor_invites (
    token_hash TEXT PRIMARY KEY,
    space_id   TEXT NOT NULL REFERENCES spaces(id),
    engagement TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES persons(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    used_by    TEXT REFERENCES persons(id),
    revoked_at BIGINT
);
CREATE INDEX counsellor_invites_by_space ON counsellor_invites(space_id);

-- The spaces a person was invited into as counsellor, for their home page. What they may
-- see is decided from the couple's record on every request, never from this table.
CREATE TABLE counsellors (
    space_id   TEXT NOT NULL REFERENCES spaces(id),
    engagement TEXT NOT NULL,
    person_id  TEXT NOT NULL REFERENCES persons(id),
    joined_at  BIGINT NOT NULL,
    PRIMARY KEY (space_id, engagement)
);
CREATE INDEX counsellors_by_person ON counsellors(person_id);

-- Every page a counsellor opened in a space: shown to both partners and to the counsellor,
-- kept as long as the space, exported with it. About reading, so outside the chain.
CREATE TABLE counsellor_looks (
    space_id  TEXT NOT NULL REFERENCES spaces(id),
    person_id TEXT NOT NULL,
    at_us     BIGINT NOT NULL,
    page      TEXT NOT NULL
);
CREATE INDEX counsellor_looks_by_space ON counsellor_looks(space_id, at_us);
