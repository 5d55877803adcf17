-- GET /: the SQL the portal issues for one view of the page, for
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

\set i random(1, :n_customers)
SELECT * FROM bench.customers WHERE i = :i \gset
SELECT customer_id, staff_id, created_at, last_seen_at FROM sessions WHERE token_hash = :tok;
SELECT c.name, EXISTS (SELECT 1 FROM lines l WHERE l.customer_id = c.id AND l.payment_type = 'prepaid' AND l.status <> 'terminated') FROM customers c WHERE c.id = :cid;
SELECT name, kind, language, currency, low_credit_threshold_cents FROM customers WHERE id = :cid;
SELECT l.id, l.account_id, l.msisdn, l.label, p.name AS plan, l.payment_type, l.status,
	       l.credit_cents, l.credit_expires_on,
	       p.minutes_included, p.sms_included, p.data_mb_included,
	       u.period_end, u.call_seconds_used, u.sms_used, u.data_kb_used, u.rated_at,
	       r.line_id AS roaming_row, r.roaming_on, r.data_roaming_on, r.data_cap_cents,
	       r.data_spent_cents, r.continue_past_cap, r.updated_at AS roaming_updated_at,
	       (SELECT COUNT(*) FROM line_addons a
	        WHERE a.line_id = l.id AND (a.ended_at IS NULL OR a.ended_at > :now)) AS active_addons
	FROM lines l
	JOIN tariff_plans p ON p.id = l.plan_id
	LEFT JOIN allowance_usage u ON u.line_id = l.id AND u.period_start <= :today AND u.period_end > :today
	LEFT JOIN roaming_settings r ON r.line_id = l.id
	WHERE l.customer_id = :cid AND l.status <> 'terminated'
	ORDER BY l.msisdn;
SELECT i.id, i.number, i.account_id, i.period_start, i.period_end, i.issued_on, i.due_on, i.currency, i.total_cents, i.paid_cents, i.status, i.payment_reference FROM invoices i WHERE i.customer_id = :cid AND i.status = 'open' AND (:k1 = 0 OR EXISTS (SELECT 1 FROM invoice_lines il WHERE il.invoice_id = i.id AND il.line_id = :k1)) AND i.issued_on >= :k2 AND i.issued_on < :k3 ORDER BY i.due_on, i.id;
