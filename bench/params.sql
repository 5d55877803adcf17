-- The benchmark's customers and every value their pages' SQL is given, for the load test and
-- for pgbench alike. `bench/run` fills `bench.signins` (email, session cookie token) after
-- signing the customers in, then runs this file; the pgbench scripts in `bench/sql/` pick a
-- random row (`SELECT * FROM bench.customers WHERE i = :i \gset`) and use its columns as
-- `:cid`, `:tok`, ... in place of the parameters the portal bound.
--
-- Every column is text, written the way PostgreSQL prints the parameter in its statement log
-- (timestamps in UTC), so that `bench/capture.mjs` can recognise which column a logged value
-- is. Each value is derived the way the portal derives it; the comments name where.

SET TimeZone = 'UTC';

DROP TABLE IF EXISTS bench.invoices, bench.customers;

CREATE TABLE bench.customers AS
SELECT row_number() OVER (ORDER BY c.id) AS i,
       CAST(c.id AS text) AS cid,
       s.email,
       s.token AS cookie,
       -- server/src/session.rs: sessions are looked up by SHA-256 of the cookie's token (hex).
       encode(sha256(convert_to(s.token, 'UTF8')), 'hex') AS tok,
       c.currency,
       -- /usage and /services show the first line by number (`ORDER BY l.msisdn`, not terminated).
       CAST(fl.id AS text) AS line,
       -- /usage charts the line's current allowance period (store/usage.rs `usage_per_day`).
       CAST(CAST(u.period_start AS timestamp) AT TIME ZONE 'UTC' AS text) AS period_start,
       CAST(CAST(u.period_end AS timestamp) AT TIME ZONE 'UTC' AS text) AS period_end
FROM bench.signins s
JOIN customers c ON c.email = s.email
LEFT JOIN LATERAL (
    SELECT l.id FROM lines l
    WHERE l.customer_id = c.id AND l.status <> 'terminated'
    ORDER BY l.msisdn LIMIT 1
) fl ON true
LEFT JOIN allowance_usage u
       ON u.line_id = fl.id AND u.period_start <= CURRENT_DATE AND u.period_end > CURRENT_DATE;
ALTER TABLE bench.customers ADD PRIMARY KEY (i);

-- The invoice detail: up to three of each customer's newest invoices that have a previous
-- invoice on the same account (store/billing.rs `invoice`: the previous one is the account's
-- newest non-void invoice before it by (issued_on, id)), so every pick takes the same path.
-- Numbered every customer's newest first, then every customer's second, ...: walked in order,
-- consecutive requests are different customers'.
CREATE TABLE bench.invoices AS
SELECT row_number() OVER (ORDER BY x.rank, CAST(x.cid AS bigint)) AS i, x.*
FROM (
    SELECT bc.cid, bc.email, bc.cookie, bc.tok, bc.currency, bc.line,
           bc.period_start, bc.period_end,
           inv.number AS inv,
           CAST(inv.id AS text) AS inv_id,
           CAST(inv.account_id AS text) AS inv_account,
           CAST(inv.issued_on AS text) AS inv_issued_on,
           CAST(prev.id AS text) AS prev_inv_id,
           row_number() OVER (PARTITION BY bc.cid ORDER BY inv.issued_on DESC, inv.id DESC) AS rank
    FROM bench.customers bc
    JOIN invoices inv ON inv.customer_id = CAST(bc.cid AS bigint)
    JOIN LATERAL (
        SELECT p.id FROM invoices p
        WHERE p.account_id = inv.account_id AND p.customer_id = inv.customer_id
          AND p.status <> 'void' AND (p.issued_on, p.id) < (inv.issued_on, inv.id)
        ORDER BY p.issued_on DESC, p.id DESC LIMIT 1
    ) prev ON true
) x
WHERE x.rank <= 3;
ALTER TABLE bench.invoices DROP COLUMN rank;
ALTER TABLE bench.invoices ADD PRIMARY KEY (i);

ANALYZE bench.customers;
ANALYZE bench.invoices;
