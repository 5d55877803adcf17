-- Every change to a line's services (add-ons, roaming) is a service request: what was asked,
-- by whom, through which channel, and what became of it.
CREATE TABLE service_requests (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    line_id BIGINT NOT NULL REFERENCES lines (id),
    -- Sent with the confirmation: a double submit or a retried request finds its first answer.
    idempotency_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('activate', 'switch', 'end', 'roaming')),
    addon_id BIGINT REFERENCES addons (id),            -- activate, switch: the add-on taken
    line_addon_id BIGINT REFERENCES line_addons (id),  -- end: the add-on ended
    summary TEXT NOT NULL,                    -- what was asked, in words
    charge_cents BIGINT NOT NULL DEFAULT 0,   -- charged when it took effect, fees included
    requested_by_kind TEXT NOT NULL CHECK (requested_by_kind IN ('customer', 'staff', 'system')),
    requested_by_id BIGINT,
    channel TEXT NOT NULL CHECK (channel IN ('portal', 'phone', 'chat', 'messenger')),
    status TEXT NOT NULL CHECK (status IN ('done', 'scheduled', 'failed')),
    effective_on TEXT NOT NULL,               -- the day it takes (or took) effect
    failure TEXT,                             -- failed: why, in words
    created_at TEXT NOT NULL,
    completed_at TEXT                         -- done or failed: when
);
CREATE UNIQUE INDEX service_requests_key ON service_requests (customer_id, idempotency_key);
CREATE INDEX service_requests_customer ON service_requests (customer_id, created_at DESC, id DESC);
CREATE INDEX service_requests_line ON service_requests (line_id, status);
CREATE INDEX service_requests_due ON service_requests (effective_on) WHERE status = 'scheduled';

