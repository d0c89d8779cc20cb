-- Read-only view ordering publishes for settlement's reconciliation: every line of a paid order
-- (paid_at set: paid or completed), with its supplier, county and what was refunded of it. The
-- ledger is fed by ordering's events; this view is the source of truth it is checked against.
-- Only ordering writes the tables below it.
CREATE OR REPLACE VIEW ordering_settlement_lines AS
SELECT l.id AS line_id,
       l.order_id,
       l.fulfilment_id,
       l.supplier_id,
       l.county_id,
       l.line_total_fen,
       l.refunded_fen,
       o.paid_at
FROM ordering_order_lines l
JOIN ordering_orders o ON o.id = l.order_id
WHERE o.paid_at IS NOT NULL;
