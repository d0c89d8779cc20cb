-- Statement generation reads a supplier's items recorded late, after its last statement's
-- cut-off but happened before that statement's end, as a range per supplier on the recording
-- order (ADR 0026, range plan), instead of the supplier's whole history.
ALTER TABLE settlement_fulfilments
  ADD INDEX IF NOT EXISTS ix_settlement_fulfilments_recorded (supplier_id, accepted_seq);
ALTER TABLE settlement_refunds
  ADD INDEX IF NOT EXISTS ix_settlement_refunds_recorded (supplier_id, seq);
