-- A scheduled change can be cancelled before its day: status 'cancelled', with completed_at the
-- time of the cancellation.
ALTER TABLE service_requests DROP CONSTRAINT service_requests_status_check;
ALTER TABLE service_requests ADD CONSTRAINT service_requests_status_check
    CHECK (status IN ('done', 'scheduled', 'failed', 'cancelled'));
