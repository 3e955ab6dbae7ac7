-- Mail, verified e-mail and password reset.
--
-- A sign-up waiting for its address to be confirmed is a person with `pending_since` set:
-- it cannot log in, and a newer sign-up for the same address replaces it. Accounts from
-- before (and those made while no mail is configured) are not pending.
ALTER TABLE persons ADD COLUMN pending_since BIGINT;

-- Single-use links sent by mail (confirming an address, resetting a password): only the
-- SHA-256 of the token is kept. Outside the record.
CREATE TABLE account_links (
    token_hash TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX account_links_by_person ON account_links(person_id);

-- Mail waiting to be sent. A request only adds a row; the outbox worker sends it, retries
-- with growing delays, and deletes the row once it is delivered or given up on
-- (`give_up_at`). A row being sent is leased by moving `next_attempt_at` past the send, so
-- two servers on one database never send it at the same time.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    give_up_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_at);
