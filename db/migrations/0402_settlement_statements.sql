-- Supplier statements (结算单): one per supplier per period, moving draft -> confirmed (by the
-- supplier) -> approved (by finance) -> paid (payout reference and date). Every status change is
-- a compare-and-set on (status, version). amount_fen = sum of the statement's items.
CREATE TABLE IF NOT EXISTS settlement_statements (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  supplier_id BIGINT NOT NULL,
  county_id BIGINT NOT NULL,
  period_start DATE NOT NULL,
  period_end DATE NOT NULL,  -- exclusive
  status VARCHAR(16) NOT NULL,
  amount_fen BIGINT NOT NULL DEFAULT 0,
  item_count INT NOT NULL DEFAULT 0,
  earliest_due_date DATE NULL,  -- the payment-due clock: first due date of its acceptances
  version BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  confirmed_by BIGINT NULL,
  confirmed_at DATETIME(6) NULL,
  approved_by BIGINT NULL,
  approved_at DATETIME(6) NULL,
  paid_by BIGINT NULL,
  paid_at DATETIME(6) NULL,
  payout_reference VARCHAR(64) NULL,
  payout_date DATE NULL,
  invoice_exception_reason VARCHAR(500) NULL,
  invoice_exception_by BIGINT NULL,
  overdue_notified_at DATETIME(6) NULL,
  UNIQUE KEY uq_settlement_statements_period (supplier_id, period_start),
  KEY ix_settlement_statements_county (county_id, period_start),
  KEY ix_settlement_statements_status (status, earliest_due_date),
  CONSTRAINT settlement_statements_status CHECK (status IN ('draft', 'confirmed', 'approved', 'paid'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What a statement collects: accepted fulfilments (positive, at the accepted amount) and refunds
-- after acceptance (negative). (item_kind, source_id) is unique: a fulfilment or a refund is in
-- exactly one statement.
CREATE TABLE IF NOT EXISTS settlement_statement_items (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  statement_id BIGINT NOT NULL,
  item_kind VARCHAR(16) NOT NULL,  -- acceptance | refund
  source_id BIGINT NOT NULL,       -- fulfilment id | refund id
  order_id BIGINT NOT NULL,
  fulfilment_id BIGINT NOT NULL,
  amount_fen BIGINT NOT NULL,
  occurred_at DATETIME(6) NOT NULL,
  due_date DATE NULL,
  UNIQUE KEY uq_settlement_statement_items_source (item_kind, source_id),
  KEY ix_settlement_statement_items_statement (statement_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Invoices (发票) the supplier sent for a statement, as finance received them.
CREATE TABLE IF NOT EXISTS settlement_invoices (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  statement_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  invoice_number VARCHAR(64) NOT NULL,
  amount_fen BIGINT NOT NULL,
  received_date DATE NOT NULL,
  recorded_by BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_settlement_invoices_number (supplier_id, invoice_number),
  KEY ix_settlement_invoices_statement (statement_id),
  CONSTRAINT settlement_invoices_positive CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
