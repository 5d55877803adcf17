-- Selfcare schema, version 1. The same meaning on SQLite and PostgreSQL:
-- money in integer minor units (`_cents`), instants in UTC (`_at`), dates (`_on`),
-- every integer BIGINT so one Rust type (i64) reads them on both engines.

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('private', 'prepaid', 'business', 'corporate')),
    name TEXT NOT NULL,
    email TEXT NOT NULL,                     -- lower case
    phone TEXT,                              -- E.164, may also be used to sign in
    language TEXT NOT NULL CHECK (language IN ('cs', 'pl', 'lt', 'ru', 'en')),
    currency TEXT NOT NULL CHECK (currency IN ('CZK', 'PLN', 'EUR')),
    password_hash TEXT,                      -- argon2id PHC string; NULL: no portal access
    low_credit_threshold_cents BIGINT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX customers_email ON customers (email);
CREATE UNIQUE INDEX customers_phone ON customers (phone);

CREATE TABLE billing_accounts (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    name TEXT NOT NULL,
    billing_address TEXT NOT NULL,
    cycle_day BIGINT NOT NULL CHECK (cycle_day BETWEEN 1 AND 28),
    payment_method TEXT NOT NULL CHECK (payment_method IN ('bank_transfer', 'direct_debit', 'card')),
    paper_invoices BOOLEAN NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX billing_accounts_customer ON billing_accounts (customer_id);

CREATE TABLE tariff_plans (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    payment_type TEXT NOT NULL CHECK (payment_type IN ('prepaid', 'postpaid')),
    currency TEXT NOT NULL CHECK (currency IN ('CZK', 'PLN', 'EUR')),
    monthly_fee_cents BIGINT NOT NULL CHECK (monthly_fee_cents >= 0),
    vat_rate_bp BIGINT NOT NULL,             -- basis points: 2100 = 21 %
    minutes_included BIGINT,                 -- per period; NULL = unlimited
    sms_included BIGINT,
    data_mb_included BIGINT,
    period_days BIGINT,                      -- prepaid: length of an allowance period; postpaid: the billing cycle
    credit_validity_days BIGINT              -- prepaid: top-ups expire after this; NULL = never
);

CREATE TABLE lines (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),  -- the owner; every query scopes on it
    account_id BIGINT NOT NULL REFERENCES billing_accounts (id),
    msisdn TEXT NOT NULL UNIQUE,             -- E.164
    label TEXT,                              -- who uses it, e.g. a business line's employee
    plan_id BIGINT NOT NULL REFERENCES tariff_plans (id),
    payment_type TEXT NOT NULL CHECK (payment_type IN ('prepaid', 'postpaid')),
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'terminated')),
    activated_on TEXT NOT NULL,
    credit_cents BIGINT NOT NULL DEFAULT 0 CHECK (credit_cents >= 0),  -- prepaid balance; the ledger explains it
    credit_expires_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX lines_customer ON lines (customer_id, msisdn);
CREATE INDEX lines_account ON lines (account_id);

CREATE TABLE allowance_usage (
    line_id BIGINT NOT NULL REFERENCES lines (id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,              -- exclusive: the day the next period starts
    call_seconds_used BIGINT NOT NULL DEFAULT 0,
    sms_used BIGINT NOT NULL DEFAULT 0,
    data_kb_used BIGINT NOT NULL DEFAULT 0,
    rated_at TEXT NOT NULL,                  -- when the newest usage record in it was rated
    PRIMARY KEY (line_id, period_start)
);

CREATE TABLE credit_ledger (
    id INTEGER PRIMARY KEY,
    line_id BIGINT NOT NULL REFERENCES lines (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('top_up', 'charge', 'adjustment', 'expiry')),
    amount_cents BIGINT NOT NULL,            -- signed: top-ups positive, charges negative
    balance_after_cents BIGINT NOT NULL,
    description TEXT NOT NULL
);
CREATE INDEX credit_ledger_line ON credit_ledger (line_id, at DESC, id DESC);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    account_id BIGINT NOT NULL REFERENCES billing_accounts (id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,              -- inclusive: the last day billed
    issued_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    currency TEXT NOT NULL CHECK (currency IN ('CZK', 'PLN', 'EUR')),
    net_cents BIGINT NOT NULL,
    vat_cents BIGINT NOT NULL,
    total_cents BIGINT NOT NULL CHECK (total_cents = net_cents + vat_cents),
    paid_cents BIGINT NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'void')),
    payment_reference TEXT NOT NULL,         -- the variable symbol in Czechia
    created_at TEXT NOT NULL
);
CREATE INDEX invoices_customer ON invoices (customer_id, issued_on DESC, id DESC);
CREATE INDEX invoices_account ON invoices (account_id, issued_on DESC);
CREATE INDEX invoices_open ON invoices (customer_id, due_on) WHERE status = 'open';

CREATE TABLE invoice_lines (
    id INTEGER PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    line_id BIGINT REFERENCES lines (id),    -- NULL: an account-level charge
    position BIGINT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('plan', 'addon', 'usage', 'roaming', 'one_off', 'discount')),
    addon_id BIGINT,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL DEFAULT 1,
    net_cents BIGINT NOT NULL,
    vat_rate_bp BIGINT NOT NULL,
    vat_cents BIGINT NOT NULL
);
CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position);

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    invoice_id BIGINT REFERENCES invoices (id),
    received_at TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL CHECK (currency IN ('CZK', 'PLN', 'EUR')),
    method TEXT NOT NULL CHECK (method IN ('bank_transfer', 'direct_debit', 'card', 'cash')),
    reference TEXT
);
CREATE INDEX payments_customer ON payments (customer_id, received_at DESC, id DESC);
CREATE INDEX payments_invoice ON payments (invoice_id);

CREATE TABLE usage_records (
    id INTEGER PRIMARY KEY,
    line_id BIGINT NOT NULL REFERENCES lines (id),
    started_at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('call', 'sms', 'data')),
    quantity BIGINT NOT NULL,                -- seconds, messages or kB
    counterpart TEXT,                        -- the number called or texted
    roaming BOOLEAN NOT NULL,
    country TEXT,                            -- ISO 3166 alpha-2 where the record was made
    charge_cents BIGINT NOT NULL DEFAULT 0,  -- beyond the allowance, excluding VAT
    rated_at TEXT NOT NULL
);
CREATE INDEX usage_records_line ON usage_records (line_id, started_at DESC, id DESC);

CREATE TABLE addons (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    conditions TEXT NOT NULL,                -- in plain words
    currency TEXT NOT NULL CHECK (currency IN ('CZK', 'PLN', 'EUR')),
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),  -- excluding VAT
    billing_period TEXT NOT NULL CHECK (billing_period IN ('once', 'week', 'month')),
    commitment_months BIGINT NOT NULL DEFAULT 0,
    early_end_fee_cents BIGINT,              -- NULL: cannot be ended inside the commitment
    payment_types TEXT NOT NULL DEFAULT 'prepaid,postpaid',
    may_start_next_period BOOLEAN NOT NULL,
    available BOOLEAN NOT NULL
);
CREATE INDEX addons_currency ON addons (currency, code);

CREATE TABLE addon_customer_kinds (
    addon_id BIGINT NOT NULL REFERENCES addons (id),
    kind TEXT NOT NULL CHECK (kind IN ('private', 'prepaid', 'business', 'corporate')),
    PRIMARY KEY (addon_id, kind)
);

-- Symmetric: both directions are stored.
CREATE TABLE addon_incompatibilities (
    addon_id BIGINT NOT NULL REFERENCES addons (id),
    other_addon_id BIGINT NOT NULL REFERENCES addons (id),
    PRIMARY KEY (addon_id, other_addon_id)
);

CREATE TABLE line_addons (
    id INTEGER PRIMARY KEY,
    line_id BIGINT NOT NULL REFERENCES lines (id),
    addon_id BIGINT NOT NULL REFERENCES addons (id),
    price_cents BIGINT NOT NULL,             -- the price agreed at activation
    active_from TEXT NOT NULL,
    commitment_until TEXT,
    ended_at TEXT
);
CREATE INDEX line_addons_line ON line_addons (line_id, ended_at);

CREATE TABLE roaming_settings (
    line_id BIGINT PRIMARY KEY REFERENCES lines (id),
    roaming_on BOOLEAN NOT NULL,
    data_roaming_on BOOLEAN NOT NULL,
    data_cap_cents BIGINT,                   -- in the line's currency, excluding VAT; NULL: lifted
    data_spent_cents BIGINT NOT NULL DEFAULT 0,
    continue_past_cap BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE staff_users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

-- Only a hash of the session token is stored: a leaked table signs nobody in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    customer_id BIGINT REFERENCES customers (id),
    staff_id BIGINT REFERENCES staff_users (id),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,                -- the absolute limit
    ip TEXT,
    user_agent TEXT,
    CHECK ((customer_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX sessions_customer ON sessions (customer_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    identifier TEXT NOT NULL,                -- as normalised for lookup
    ip TEXT NOT NULL,
    at TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_identifier ON login_attempts (identifier, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('customer', 'staff', 'system')),
    actor_id BIGINT,
    customer_id BIGINT,                      -- whose data was touched, if a customer's
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX audit_log_customer ON audit_log (customer_id, at DESC);

CREATE TABLE app_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
