-- One-time codes a customer reads to a support agent. Only a hash of the code is kept.
CREATE TABLE verification_codes (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'chat', 'messenger')),
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,                          -- a newer code for the same channel replaced it
    used_at TEXT,                             -- verified: it works once
    verified_by BIGINT REFERENCES staff_users (id)
);
CREATE INDEX verification_codes_customer ON verification_codes (customer_id, channel, created_at);

-- Codes typed by agents, right or wrong: wrong ones lock codes for the customer.
CREATE TABLE code_attempts (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    at TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX code_attempts_customer ON code_attempts (customer_id, at);

-- An agent's access to one customer's data, by code or (supervisors) with a reason.
CREATE TABLE staff_access (
    id INTEGER PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff_users (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'chat', 'messenger')),
    via TEXT NOT NULL CHECK (via IN ('code', 'override')),
    reason TEXT,
    check_phrase TEXT,
    opened_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CHECK (via = 'code' OR reason IS NOT NULL)
);
CREATE INDEX staff_access_staff ON staff_access (staff_id, customer_id, expires_at);
CREATE INDEX staff_access_customer ON staff_access (customer_id, opened_at);
