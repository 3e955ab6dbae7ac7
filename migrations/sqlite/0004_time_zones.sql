-- Each person's IANA time zone: times are shown in it, and their promises fall due in it.
ALTER TABLE persons ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
