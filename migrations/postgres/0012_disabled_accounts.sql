-- An account the operator switched off (`goldseam admin disable`): it cannot log in and
-- its sessions read as ended. NULL while the account is on. Nothing else about it changes.
ALTER TABLE persons ADD COLUMN disabled_at BIGINT;
