-- GET /services: the SQL the portal issues for one view of the page, for
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

\set i random(1, :n_customers)
SELECT * FROM bench.customers WHERE i = :i \gset
SELECT customer_id, staff_id, created_at, last_seen_at FROM sessions WHERE token_hash = :tok;
SELECT c.name, EXISTS (SELECT 1 FROM lines l WHERE l.customer_id = c.id AND l.payment_type = 'prepaid' AND l.status <> 'terminated') FROM customers c WHERE c.id = :cid;
SELECT l.id, l.msisdn, l.label, p.name, l.payment_type FROM lines l JOIN tariff_plans p ON p.id = l.plan_id WHERE l.customer_id = :cid AND l.status <> 'terminated' ORDER BY l.msisdn;
SELECT l.id, l.msisdn, l.label, p.name AS plan, l.payment_type, l.status, l.credit_cents,
	       c.kind, c.currency, c.language, b.cycle_day, u.period_start, u.period_end
	FROM lines l
	JOIN customers c ON c.id = l.customer_id
	JOIN tariff_plans p ON p.id = l.plan_id
	JOIN billing_accounts b ON b.id = l.account_id
	LEFT JOIN allowance_usage u ON u.line_id = l.id AND u.period_start <= :today AND u.period_end > :today
	WHERE l.id = :line AND l.customer_id = :cid AND l.status <> 'terminated';
SELECT la.id, la.addon_id, a.name, la.price_cents, a.billing_period, la.active_from,
	       la.commitment_until, a.early_end_fee_cents, a.may_start_next_period, la.ended_at,
	       (SELECT MIN(r.effective_on) FROM service_requests r
	        WHERE r.line_id = la.line_id AND r.line_addon_id = la.id AND r.status = 'scheduled') AS scheduled_end
	FROM line_addons la JOIN addons a ON a.id = la.addon_id
	WHERE la.line_id = :line AND (la.ended_at IS NULL OR la.ended_at > :now)
	ORDER BY la.active_from, la.id;
SELECT id, code, name, description, conditions, price_cents, billing_period, commitment_months, early_end_fee_cents, payment_types, may_start_next_period, available FROM addons WHERE currency = :currency ORDER BY id;
SELECT k.addon_id, k.kind FROM addon_customer_kinds k JOIN addons a ON a.id = k.addon_id WHERE a.currency = :currency;
SELECT i.addon_id, i.other_addon_id FROM addon_incompatibilities i JOIN addons a ON a.id = i.addon_id WHERE a.currency = :currency;
SELECT addon_id, effective_on FROM service_requests WHERE line_id = :line AND status = 'scheduled' AND addon_id IS NOT NULL;
SELECT r.id, r.line_id, l.msisdn, r.kind, r.addon_id, r.summary, r.charge_cents, r.requested_by_kind, s.name AS staff_name, r.channel, r.status, r.effective_on, r.failure, r.created_at, r.completed_at, c.currency FROM service_requests r JOIN lines l ON l.id = r.line_id JOIN customers c ON c.id = r.customer_id LEFT JOIN staff_users s ON r.requested_by_kind = 'staff' AND s.id = r.requested_by_id WHERE r.line_id = :line AND r.status = 'scheduled' AND r.customer_id = :cid ORDER BY r.effective_on, r.id;
SELECT name, kind, language, currency FROM customers WHERE id = :cid;
SELECT l.id, l.msisdn, c.currency, c.language, r.line_id AS roaming_row, r.roaming_on, r.data_roaming_on, r.data_cap_cents, r.data_spent_cents, r.continue_past_cap, r.updated_at AS roaming_updated_at FROM lines l JOIN customers c ON c.id = l.customer_id LEFT JOIN roaming_settings r ON r.line_id = l.id WHERE l.id = :line AND l.customer_id = :cid AND l.status <> 'terminated';
SELECT name, kind, language, currency FROM customers WHERE id = :cid;
