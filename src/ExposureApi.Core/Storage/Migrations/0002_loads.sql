-- Schema 2: a record of every completed load, written in the same transaction as the rows it added.
CREATE TABLE loads (
    id          INTEGER PRIMARY KEY,
    breach_id   INTEGER NOT NULL REFERENCES breaches (id),
    files       TEXT    NOT NULL,  -- JSON array of {"name", "sha256", "rows"}
    file_sha256 TEXT    NOT NULL,  -- the files' SHA-256 digests, comma-separated, in load order
    rows_read   INTEGER NOT NULL,  -- hash lines read from the files
    new_rows    INTEGER NOT NULL,  -- rows the load added to the breach
    duplicates  INTEGER NOT NULL,  -- rows_read - new_rows: repeated in the files, or already in the breach
    started_at  TEXT    NOT NULL,  -- ISO 8601 UTC
    finished_at TEXT    NOT NULL,
    outcome     TEXT    NOT NULL   -- 'loaded', or 'already-loaded' when nothing was new
);

CREATE INDEX loads_by_breach ON loads (breach_id, id);
