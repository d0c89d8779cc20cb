-- Read-only views ordering publishes for the aid totals (aidstats): every paid order with its
-- fund shares and what was refunded to each source, and every line of a paid order with its
-- supplier, county, category, whether it was a certified aid product when bought, and what was
-- refunded of it (after-sales and partial acceptance). The aid totals are computed from these
-- rows, live (per event) and by the rebuild command. Only ordering writes the tables below them.
-- Do not change the columns of these views: add a new view.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW ordering_aid_orders AS
SELECT o.id AS order_id,
       o.paid_at,
       o.buyer_kind,
       o.unit_id,
       o.budget_year,
       o.budget_fen,
       o.allowance_fen,
       o.personal_fen,
       (SELECT COALESCE(SUM(r.budget_fen), 0) FROM ordering_refunds r
         WHERE r.order_id = o.id AND r.status = 'completed') AS budget_refunded_fen,
       (SELECT COALESCE(SUM(r.allowance_fen), 0) FROM ordering_refunds r
         WHERE r.order_id = o.id AND r.status = 'completed') AS allowance_refunded_fen,
       (SELECT COALESCE(SUM(r.personal_fen), 0) FROM ordering_refunds r
         WHERE r.order_id = o.id AND r.status = 'completed') AS personal_refunded_fen
FROM ordering_orders o
WHERE o.paid_at IS NOT NULL;

CREATE OR REPLACE SQL SECURITY INVOKER VIEW ordering_aid_lines AS
SELECT l.id AS line_id,
       l.order_id,
       l.supplier_id,
       l.county_id,
       l.category_id,
       l.certified,
       l.line_total_fen,
       l.refunded_fen
FROM ordering_order_lines l
JOIN ordering_orders o ON o.id = l.order_id
WHERE o.paid_at IS NOT NULL;
