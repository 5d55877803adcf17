-- GET /invoices/{inv}: the SQL the portal issues for one view of the page, for
-- pgbench. Written by `bash bench/run --capture-sql` (bench/capture.mjs) from the statement
-- log of 18 views by different customers; do not edit by hand.
--
-- 18 of 18 views took exactly these statements; each parameter is named by
-- what it was: a column of bench.invoices, :today, :now, or a constant :kN.
-- Every view took this path.
-- :cid also stands for inv_account: the same value in these views, so a parameter could be either.
--
-- Each transaction picks one of the signed-in customers at random (the `\gset` line; bench/run
-- subtracts its latency), then runs the statements one after another: the portal runs some
-- of them concurrently on several connections, which changes latency, not the work. Not here:
-- the session layer's `UPDATE sessions SET last_seen_at`, at most once a minute per session.
-- bench/run passes -D n_invoices=<rows of bench.invoices> -D today=<YYYY-MM-DD> -D now=<timestamp>
-- and these constants:

\set i random(1, :n_invoices)
SELECT * FROM bench.invoices WHERE i = :i \gset
SELECT customer_id, staff_id, created_at, last_seen_at FROM sessions WHERE token_hash = :tok;
SELECT c.name, EXISTS (SELECT 1 FROM lines l WHERE l.customer_id = c.id AND l.payment_type = 'prepaid' AND l.status <> 'terminated') FROM customers c WHERE c.id = :cid;
SELECT i.id, i.number, i.account_id, i.period_start, i.period_end, i.issued_on, i.due_on, i.currency, i.total_cents, i.paid_cents, i.status, i.payment_reference FROM invoices i WHERE i.number = :inv AND i.customer_id = :cid;
SELECT name, kind, language, currency FROM customers WHERE id = :cid;
SELECT name, billing_address FROM billing_accounts WHERE id = :cid;
SELECT line_id, category, addon_id, description, net_cents, vat_rate_bp FROM invoice_lines WHERE invoice_id = :inv_id ORDER BY position, id;
SELECT i.id, i.number, i.account_id, i.period_start, i.period_end, i.issued_on, i.due_on, i.currency, i.total_cents, i.paid_cents, i.status, i.payment_reference FROM invoices i WHERE i.account_id = :cid AND i.customer_id = :cid AND i.status <> 'void' AND (i.issued_on, i.id) < (:inv_issued_on, :inv_id) ORDER BY i.issued_on DESC, i.id DESC LIMIT 1;
SELECT line_id, category, addon_id, description, net_cents, vat_rate_bp FROM invoice_lines WHERE invoice_id = :prev_inv_id ORDER BY position, id;
SELECT id, msisdn, label FROM lines WHERE customer_id = :cid AND id IN (SELECT line_id FROM invoice_lines WHERE invoice_id IN (:inv_id, :prev_inv_id)) ORDER BY msisdn;
SELECT p.id, p.received_at, p.amount_cents, p.currency, p.method, i.number AS invoice_number FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.invoice_id = :inv_id AND p.customer_id = :cid ORDER BY p.received_at, p.id;
