-- Nothing customer-facing is stored as prose: a service request stores what was asked
-- (`asked`, JSON, was `summary`) and why it failed (`failure`, JSON), an audit entry what
-- happened (`detail`, JSON with the action as its tag); both are worded when shown, in the
-- reader's language. Rows written before keep their words where they cannot be read back as
-- data exactly: `as_written`, shown as they were.
ALTER TABLE service_requests RENAME COLUMN summary TO asked;

UPDATE service_requests SET asked = CASE
    WHEN kind = 'roaming' AND asked IN ('Roaming on, data roaming on', 'Roaming on, data roaming off',
                                        'Roaming off, data roaming on', 'Roaming off, data roaming off')
        THEN json_object('asked', 'roaming', 'change', json_object('set', 'switches',
            'roaming', json(CASE WHEN asked LIKE 'Roaming on,%' THEN 'true' ELSE 'false' END),
            'data_roaming', json(CASE WHEN asked LIKE '%data roaming on' THEN 'true' ELSE 'false' END)))
    WHEN kind = 'roaming' AND asked = 'Lift the data-roaming cap'
        THEN json_object('asked', 'roaming', 'change', json_object('set', 'lift_cap'))
    WHEN kind = 'roaming' AND asked = 'Go on with data roaming past the cap'
        THEN json_object('asked', 'roaming', 'change', json_object('set', 'continue_past_cap'))
    WHEN kind = 'roaming' AND asked = 'Stop data roaming at the cap'
        THEN json_object('asked', 'roaming', 'change', json_object('set', 'stop_at_cap'))
    ELSE json_object('asked', 'as_written', 'text', asked)
END;

UPDATE service_requests SET failure = CASE
    WHEN failure = 'The line is no longer active.' THEN json_object('failure', 'line_gone')
    ELSE json_object('failure', 'as_written', 'text', failure)
END
WHERE failure IS NOT NULL;

UPDATE audit_log SET detail = CASE
    WHEN action = 'sign_in' AND detail = 'Signed in to the portal with email and password'
        THEN json_object('action', 'sign_in', 'door', 'portal', 'by_phone', json('false'))
    WHEN action = 'sign_in' AND detail = 'Signed in to the portal with phone number and password'
        THEN json_object('action', 'sign_in', 'door', 'portal', 'by_phone', json('true'))
    WHEN action = 'sign_in' AND detail = 'Signed in to the staff console with email and password'
        THEN json_object('action', 'sign_in', 'door', 'console', 'by_phone', json('false'))
    WHEN action = 'sign_out' AND detail = 'Signed out'
        THEN json_object('action', 'sign_out', 'door', 'portal')
    WHEN action = 'sign_out' AND detail = 'Signed out of the staff console'
        THEN json_object('action', 'sign_out', 'door', 'console')
    WHEN action = 'staff_password' AND detail = 'Changed their password; their other sessions ended'
        THEN json_object('action', 'staff_password')
    WHEN action = 'staff_search'
        THEN json_object('action', 'staff_search', 'typed', detail)
    WHEN action = 'staff_view' AND detail = 'Overview: lines, balances and what is due'
        THEN json_object('action', 'staff_view', 'page', 'overview')
    WHEN action = 'staff_view' AND detail IN ('Services', 'Requests', 'Usage', 'Invoices', 'Payments', 'Credit')
        THEN json_object('action', 'staff_view', 'page', lower(detail))
    WHEN action = 'staff_view' AND detail = 'Usage of every line'
        THEN json_object('action', 'staff_view', 'page', 'usage_of_every_line')
    WHEN action = 'staff_view' AND detail LIKE 'Invoice %'
        THEN json_object('action', 'staff_view', 'page', 'invoice', 'number', substr(detail, 9))
    WHEN action = 'low_credit_threshold' AND detail = 'Low-credit warning turned off'
        THEN json_object('action', 'low_credit_threshold', 'threshold', json('null'))
    ELSE json_object('action', 'as_written', 'text', detail)
END;
