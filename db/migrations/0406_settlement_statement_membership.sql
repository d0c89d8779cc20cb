-- A statement's items are a predicate, not rows (ADR 0026). A statement (supplier, period) holds
-- the supplier's accepted fulfilments and refunds after acceptance that happened before the
-- period's end (items_before, UTC) and were recorded by the ledger at or before its cut-off
-- (cutoff_seq: the id of the last ledger posting when it was generated), less what the supplier's
-- previous statement held (prev_items_before, prev_cutoff_seq). Along a supplier's statements
-- both bounds only grow, so the regions are nested and an item is in exactly one statement:
-- the first whose region holds it. Something recorded after a statement's cut-off (a late
-- acceptance, a refund) goes into the supplier's next statement. Generation writes one row per
-- supplier (one INSERT ... SELECT ... GROUP BY), not one per fulfilment.
--
-- settlement_statement_gate: one row. Whoever records an acceptance or a refund takes it in
-- share mode before posting; generation takes it exclusively before it reads the cut-off, so
-- no posting below the cut-off can commit after it (statements.cpp, ordering_postings.cpp).
CREATE TABLE IF NOT EXISTS settlement_statement_gate (
  id TINYINT NOT NULL PRIMARY KEY,
  generated_at DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO settlement_statement_gate (id) VALUES (1);

-- The recording order of an item: the id of its ledger posting (acceptance, refund).
ALTER TABLE settlement_fulfilments
  ADD COLUMN IF NOT EXISTS accepted_seq BIGINT NULL AFTER accepted_at;
ALTER TABLE settlement_refunds ADD COLUMN IF NOT EXISTS seq BIGINT NULL;
UPDATE settlement_fulfilments f JOIN settlement_postings p ON p.kind = 'acceptance' AND
  p.reference_id = f.fulfilment_id SET f.accepted_seq = p.id WHERE f.accepted_seq IS NULL;
UPDATE settlement_refunds r JOIN settlement_postings p ON p.kind = 'refund' AND
  p.reference_id = r.refund_id SET r.seq = p.id WHERE r.seq IS NULL;

-- Generation, reconciliation and the due clock read these per supplier, index only.
ALTER TABLE settlement_fulfilments
  DROP INDEX IF EXISTS ix_settlement_fulfilments_supplier,
  ADD INDEX ix_settlement_fulfilments_supplier (supplier_id, accepted_at, accepted_seq,
    accepted_fen, due_date, county_id);
ALTER TABLE settlement_refunds
  DROP INDEX IF EXISTS ix_settlement_refunds_supplier,
  ADD INDEX ix_settlement_refunds_supplier (supplier_id, after_acceptance, occurred_at, seq,
    amount_fen, county_id);

-- The region of each statement. The defaults hold nothing (a statement written by hand).
ALTER TABLE settlement_statements
  ADD COLUMN IF NOT EXISTS items_before DATETIME(6) NOT NULL DEFAULT '1000-01-01 00:00:00',
  ADD COLUMN IF NOT EXISTS cutoff_seq BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS prev_items_before DATETIME(6) NOT NULL DEFAULT '1000-01-01 00:00:00',
  ADD COLUMN IF NOT EXISTS prev_cutoff_seq BIGINT NOT NULL DEFAULT 0;

-- Statements generated before this file: their region from the item rows they hold (the last
-- posting among them), the previous region from the supplier's statement before. The rows
-- are kept, renamed, for comparison.
CREATE TABLE IF NOT EXISTS settlement_statement_items_0402 LIKE settlement_statement_items;
INSERT IGNORE INTO settlement_statement_items_0402 SELECT * FROM settlement_statement_items;
UPDATE settlement_statements s JOIN (
  SELECT i.statement_id, MAX(COALESCE(f.accepted_seq, r.seq)) AS cutoff
  FROM settlement_statement_items i
  LEFT JOIN settlement_fulfilments f ON i.item_kind = 'acceptance' AND f.fulfilment_id = i.source_id
  LEFT JOIN settlement_refunds r ON i.item_kind = 'refund' AND r.refund_id = i.source_id
  GROUP BY i.statement_id) t ON t.statement_id = s.id
SET s.items_before = TIMESTAMP(s.period_end) - INTERVAL 8 HOUR, s.cutoff_seq = t.cutoff;
UPDATE settlement_statements s JOIN (
  SELECT id, LAG(items_before) OVER w AS before_prev, LAG(cutoff_seq) OVER w AS cutoff_prev
  FROM settlement_statements WHERE cutoff_seq > 0
  WINDOW w AS (PARTITION BY supplier_id ORDER BY period_start)) p ON p.id = s.id
SET s.prev_items_before = p.before_prev, s.prev_cutoff_seq = p.cutoff_prev
WHERE p.before_prev IS NOT NULL;
DROP TABLE IF EXISTS settlement_statement_items;

-- The items, as every reader saw them before (statement_json, the exports, tests): id is
-- 2 * fulfilment id for an acceptance, 2 * refund id + 1 for a refund (unique, ordered).
CREATE OR REPLACE SQL SECURITY INVOKER VIEW settlement_statement_items AS
SELECT f.fulfilment_id * 2 AS id, s.id AS statement_id, 'acceptance' AS item_kind,
       f.fulfilment_id AS source_id, f.order_id, f.fulfilment_id, f.accepted_fen AS amount_fen,
       f.accepted_at AS occurred_at, f.due_date
FROM settlement_statements s
JOIN settlement_fulfilments f ON f.supplier_id = s.supplier_id
  AND f.accepted_at < s.items_before AND f.accepted_seq <= s.cutoff_seq AND f.accepted_fen > 0
  AND NOT (f.accepted_at < s.prev_items_before AND f.accepted_seq <= s.prev_cutoff_seq)
UNION ALL
SELECT r.refund_id * 2 + 1, s.id, 'refund', r.refund_id, r.order_id, r.fulfilment_id,
       -r.amount_fen, r.occurred_at, NULL
FROM settlement_statements s
JOIN settlement_refunds r ON r.supplier_id = s.supplier_id AND r.after_acceptance = 1
  AND r.occurred_at < s.items_before AND r.seq <= s.cutoff_seq
  AND NOT (r.occurred_at < s.prev_items_before AND r.seq <= s.prev_cutoff_seq);
