-- Schema version 12: saved billers keep the order they were saved in on every engine
-- (SQLite's implicit rowid was that order; PostgreSQL has none). Rows saved before keep 0
-- and their time.
ALTER TABLE saved_billers ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
