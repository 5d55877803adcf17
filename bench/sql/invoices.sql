-- GET /invoices: the SQL the portal issues for one view of the page, for
-- pgbench. Written by `bash bench/run --capture-sql` (bench/capture.mjs) from the statement
-- log of 24 views by different customers; do not edit by hand.
--
-- 24 of 24 views took exactly these statements; each parameter is named by
-- what it was: a column of bench.customers, :today, :now, or a constant :kN.
-- Every view took this path.
--
-- Each transaction picks one of the signed-in customers at random (the `\gset` line; bench/run
-- subtracts its latency), then runs the statements one after another: the portal runs some
-- of them concurrently on several connections, which changes latency, not the work. Not here:
-- the session layer's `UPDATE sessions SET last_seen_at`, at most once a minute per session.
-- bench/run passes -D n_customers=<rows of bench.customers> -D today=<YYYY-MM-DD> -D now=<timestamp>
-- and these constants:
-- -D k1=0
-- -D k2=0001-01-01
-- -D k3=9999-12-31
-- -D k4=9223372036854775807
-- -D k5=13

\set i random(1, :n_customers)
SELECT * FROM bench.customers WHERE i = :i \gset
SELECT customer_id, staff_id, created_at, last_seen_at FROM sessions WHERE token_hash = :tok;
SELECT MIN(issued_on), MAX(issued_on) FROM invoices WHERE customer_id = :cid;
SELECT c.name, EXISTS (SELECT 1 FROM lines l WHERE l.customer_id = c.id AND l.payment_type = 'prepaid' AND l.status <> 'terminated') FROM customers c WHERE c.id = :cid;
SELECT id, msisdn, label FROM lines WHERE customer_id = :cid AND payment_type = 'postpaid' ORDER BY msisdn;
SELECT i.id, i.number, i.account_id, i.period_start, i.period_end, i.issued_on, i.due_on, i.currency, i.total_cents, i.paid_cents, i.status, i.payment_reference FROM invoices i WHERE i.customer_id = :cid AND i.status <> 'open' AND (:k1 = 0 OR EXISTS (SELECT 1 FROM invoice_lines il WHERE il.invoice_id = i.id AND il.line_id = :k1)) AND i.issued_on >= :k2 AND i.issued_on < :k3 AND (i.issued_on, i.id) < (:k3, :k4) ORDER BY i.issued_on DESC, i.id DESC LIMIT :k5;
SELECT name, kind, language, currency FROM customers WHERE id = :cid;
SELECT i.id, i.number, i.account_id, i.period_start, i.period_end, i.issued_on, i.due_on, i.currency, i.total_cents, i.paid_cents, i.status, i.payment_reference FROM invoices i WHERE i.customer_id = :cid AND i.status = 'open' AND (:k1 = 0 OR EXISTS (SELECT 1 FROM invoice_lines il WHERE il.invoice_id = i.id AND il.line_id = :k1)) AND i.issued_on >= :k2 AND i.issued_on < :k3 ORDER BY i.due_on, i.id;
SELECT id, name, billing_address, paper_invoices FROM billing_accounts WHERE customer_id = :cid ORDER BY id;
