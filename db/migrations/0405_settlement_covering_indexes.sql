-- Indexes that cover settlement's set-based reads, so each is one pass over a narrow index
-- instead of a row lookup per entry (docs/settlement.md, Benchmark; ADR 0012):
-- * reconciliation sums the ledger per account: (account_id, side, amount_fen) replaces
--   (account_id), which it extends (lookups by account use it as before);
-- * generation and reconciliation sum accepted fulfilments per supplier: the amount and the
--   county join (supplier_id, accepted_at);
-- * generation totals a statement from its items: (statement_id, amount_fen, due_date) replaces
--   (statement_id).
ALTER TABLE settlement_entries
  DROP INDEX ix_settlement_entries_account,
  ADD INDEX ix_settlement_entries_account (account_id, side, amount_fen);

ALTER TABLE settlement_fulfilments
  DROP INDEX ix_settlement_fulfilments_supplier,
  ADD INDEX ix_settlement_fulfilments_supplier (supplier_id, accepted_at, accepted_fen, county_id);

ALTER TABLE settlement_statement_items
  DROP INDEX ix_settlement_statement_items_statement,
  ADD INDEX ix_settlement_statement_items_statement (statement_id, amount_fen, due_date);
