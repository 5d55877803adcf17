-- Usage records of one line and one kind, newest first: the type filter of the usage list and
-- its CSV export read a keyset range of this index instead of skipping the other kinds' rows.
CREATE INDEX usage_records_line_kind ON usage_records (line_id, kind, started_at DESC, id DESC);
