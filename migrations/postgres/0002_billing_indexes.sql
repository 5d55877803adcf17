-- Invoices of one phone line (the business filter on the invoice list), found from the line.
CREATE INDEX invoice_lines_line ON invoice_lines (line_id, invoice_id);
