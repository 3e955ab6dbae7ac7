-- Forms already handled, per session: a form sent twice (a double click, a reload while the
-- first answer was slow) is answered with where the first one went, and records nothing
-- again. Outside the record: these rows are forgotten after a day (see web/once.rs).
CREATE TABLE form_tokens (
    session_hash TEXT NOT NULL,
    token        TEXT NOT NULL,
    location     TEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (session_hash, token)
);
CREATE INDEX form_tokens_by_age ON form_tokens(at);
