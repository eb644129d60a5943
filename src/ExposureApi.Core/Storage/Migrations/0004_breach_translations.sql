-- Schema 4: a breach's title and description in other languages, for the citizens' page: a JSON object keyed by
-- language code, {"hi": {"Title": "...", "Description": "..."}}. The API's own output does not carry it.
ALTER TABLE breaches ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
