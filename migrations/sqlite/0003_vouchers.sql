-- Prepaid vouchers. Only a SHA-256 of the code is kept: a copy of the table hands out nothing.
CREATE TABLE vouchers (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    currency TEXT NOT NULL CHECK (currency IN ('CZK', 'PLN', 'EUR')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    expires_on TEXT NOT NULL,                -- the last day it can be redeemed
    redeemed_at TEXT,                        -- NULL: not yet redeemed
    redeemed_line_id BIGINT REFERENCES lines (id),  -- the line it credited, if redeemed here
    created_at TEXT NOT NULL,
    CHECK (redeemed_line_id IS NULL OR redeemed_at IS NOT NULL)
);

-- Wrong voucher codes, per line, for throttling guesses.
CREATE TABLE voucher_attempts (
    id INTEGER PRIMARY KEY,
    line_id BIGINT NOT NULL REFERENCES lines (id),
    at TEXT NOT NULL
);
CREATE INDEX voucher_attempts_line ON voucher_attempts (line_id, at);
