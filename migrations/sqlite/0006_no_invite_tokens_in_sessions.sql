-- Invite links' tokens were kept in sessions.flash so the inviter's page could show the
-- link again. The inviter's browser keeps the token now and the database only its hash;
-- tokens an earlier version left here are removed.
UPDATE sessions SET flash = NULL WHERE flash IS NOT NULL;
