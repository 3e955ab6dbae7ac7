-- Reminders with no content: what each person chose to be reminded of and how, their
-- quiet hours, and what the last reminder covered. No row means no reminders (the
-- default). Outside the record.
--
-- `reminded` holds fingerprints only (short hashes of where something waits, separated by
-- spaces), NULL until the first look after reminders were turned on. `next_check_at` is
-- when the reminder worker looks next; a server looking moves it on first and writes its
-- own random `lease`, and keeps what it decided only while the lease is still its own, so
-- two servers on one database never remind of the same thing twice. Minutes count from
-- local midnight in the person's own time zone.
CREATE TABLE reminder_settings (
    person_id      TEXT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
    how            TEXT NOT NULL,
    topics         TEXT NOT NULL,
    quiet_from     BIGINT NOT NULL,
    quiet_until    BIGINT NOT NULL,
    digest_at      BIGINT NOT NULL,
    reminded       TEXT,
    last_sent_at   BIGINT,
    digest_day     BIGINT,
    next_check_at  BIGINT NOT NULL DEFAULT 0,
    lease          TEXT
);
CREATE INDEX reminder_settings_due ON reminder_settings(next_check_at);

-- A reminder carries a one-click way to stop reminders (RFC 8058): the address goes into
-- its List-Unsubscribe header.
ALTER TABLE outbox ADD COLUMN unsubscribe_url TEXT;
