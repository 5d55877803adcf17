-- What one member of staff did, newest first: the team page's review of a member's work.
-- Partial: customers' own entries (most of the log) are not in it.
CREATE INDEX audit_log_staff ON audit_log (actor_id, at DESC, id DESC) WHERE actor_kind = 'staff';
