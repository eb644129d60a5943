-- Schema 3: partner API keys. Only a SHA-256 digest of each key is kept; the key itself is shown once, when issued.
CREATE TABLE api_keys (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    key_prefix     TEXT    NOT NULL,            -- the first characters, to tell keys apart in listings
    key_sha256     BLOB    NOT NULL UNIQUE,     -- SHA-256 of the whole key
    scopes         TEXT    NOT NULL,            -- space-separated: check, check:sensitive, admin
    rate_per_minute INTEGER NOT NULL,
    created_at     TEXT    NOT NULL,
    last_used_at   TEXT,
    revoked_at     TEXT
);
