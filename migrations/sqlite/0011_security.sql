-- A session remembers which password it was opened with (a fingerprint of the password's hash,
-- never the hash itself): when the password changes or portal access is revoked, the session
-- no longer matches and ends at its next request. Sessions opened before this have none and
-- end at their next request (everyone signs in once more).
ALTER TABLE sessions ADD COLUMN credential TEXT;

-- A code asked for without JavaScript reaches the verify page through the database, never a
-- cookie: sealed (encrypted) under the server secret, shown once, then cleared.
ALTER TABLE verification_codes ADD COLUMN sealed TEXT;
