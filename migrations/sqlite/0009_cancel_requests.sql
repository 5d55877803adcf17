-- A scheduled change can be cancelled before its day: status 'cancelled', with completed_at the
-- time of the cancellation. SQLite cannot change a CHECK constraint, so the table is rebuilt
-- (no table refers to it) with its indexes.
CREATE TABLE service_requests_new (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    line_id BIGINT NOT NULL REFERENCES lines (id),
    idempotency_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('activate', 'switch', 'end', 'roaming')),
    addon_id BIGINT REFERENCES addons (id),
    line_addon_id BIGINT REFERENCES line_addons (id),
    summary TEXT NOT NULL,
    charge_cents BIGINT NOT NULL DEFAULT 0,
    requested_by_kind TEXT NOT NULL CHECK (requested_by_kind IN ('customer', 'staff', 'system')),
    requested_by_id BIGINT,
    channel TEXT NOT NULL CHECK (channel IN ('portal', 'phone', 'chat', 'messenger')),
    status TEXT NOT NULL CHECK (status IN ('done', 'scheduled', 'failed', 'cancelled')),
    effective_on TEXT NOT NULL,
    failure TEXT,
    created_at TEXT NOT NULL,
    completed_at TEXT                         -- done, failed or cancelled: when
);
INSERT INTO service_requests_new SELECT * FROM service_requests;
DROP TABLE service_requests;
ALTER TABLE service_requests_new RENAME TO service_requests;
CREATE UNIQUE INDEX service_requests_key ON service_requests (customer_id, idempotency_key);
CREATE INDEX service_requests_customer ON service_requests (customer_id, created_at DESC, id DESC);
CREATE INDEX service_requests_line ON service_requests (line_id, status);
CREATE INDEX service_requests_due ON service_requests (effective_on) WHERE status = 'scheduled';
