-- Schema 1: the store's identity, breach metadata and the exposures themselves.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE breaches (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    title                TEXT    NOT NULL,
    domain               TEXT    NOT NULL DEFAULT '',
    breach_date          TEXT    NOT NULL,            -- yyyy-MM-dd
    added_date           TEXT    NOT NULL,            -- ISO 8601 UTC
    modified_date        TEXT    NOT NULL,            -- ISO 8601 UTC
    pwn_count            INTEGER NOT NULL DEFAULT 0,
    description          TEXT    NOT NULL DEFAULT '', -- HTML, as HIBP publishes it
    data_classes         TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
    logo_path            TEXT    NOT NULL DEFAULT '',
    is_verified          INTEGER NOT NULL DEFAULT 0,
    is_fabricated        INTEGER NOT NULL DEFAULT 0,
    is_sensitive         INTEGER NOT NULL DEFAULT 0,
    is_retired           INTEGER NOT NULL DEFAULT 0,
    is_spam_list         INTEGER NOT NULL DEFAULT 0,
    is_malware           INTEGER NOT NULL DEFAULT 0,
    is_subscription_free INTEGER NOT NULL DEFAULT 0,
    is_stealer_log       INTEGER NOT NULL DEFAULT 0
);

-- One row per (hash, breach). Keyed by the hash so that a check is one index seek;
-- WITHOUT ROWID keeps each row to the key itself (about 42 bytes).
CREATE TABLE exposures (
    hash      BLOB    NOT NULL CHECK (length(hash) = 32),
    breach_id INTEGER NOT NULL REFERENCES breaches (id),
    PRIMARY KEY (hash, breach_id)
) WITHOUT ROWID;
