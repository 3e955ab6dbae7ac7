-- Where quick exit takes each person: 'weather' or 'recipe' (plain pages served here) or an
-- https:// address of their own.
ALTER TABLE persons ADD COLUMN exit_to TEXT NOT NULL DEFAULT 'weather';
