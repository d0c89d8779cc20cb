-- Settlement's double-entry ledger. Amounts are BIGINT fen; an entry is a debit (side 'D') or a
-- credit (side 'C') of a positive amount. Every posting balances (sum of debits = sum of
-- credits), which the code checks before writing and a test checks over every posting. Entries
-- are never updated or deleted: a correction is a reversing posting (reverses_posting_id).
CREATE TABLE IF NOT EXISTS settlement_accounts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- e.g. "fund:unit_budget:unit:17", "payable_due:supplier:5"; one row per account.
  code VARCHAR(128) CHARACTER SET ascii NOT NULL,
  -- fund_source | refund | payable_unaccepted | payable_due | payout
  kind VARCHAR(24) NOT NULL,
  fund_source VARCHAR(16) NULL,  -- allowance | unit_budget | personal (fund_source, refund)
  unit_id BIGINT NULL,
  supplier_id BIGINT NULL,
  county_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_settlement_accounts_code (code),
  KEY ix_settlement_accounts_supplier (supplier_id, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One posting per business fact: (kind, reference_id) is unique, so the same fact can never be
-- posted twice, whatever the consumer group that delivers its event.
CREATE TABLE IF NOT EXISTS settlement_postings (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- order_paid (ref order) | acceptance (ref fulfilment) | refund (ref refund) |
  -- payout (ref statement) | reversal (ref reversed posting)
  kind VARCHAR(24) NOT NULL,
  reference_id BIGINT NOT NULL,
  order_id BIGINT NULL,
  fulfilment_id BIGINT NULL,
  source_event_id CHAR(36) CHARACTER SET ascii NULL,
  reverses_posting_id BIGINT NULL,
  description VARCHAR(255) NOT NULL DEFAULT '',
  occurred_at DATETIME(6) NOT NULL,
  posted_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_settlement_postings_fact (kind, reference_id),
  KEY ix_settlement_postings_order (order_id),
  KEY ix_settlement_postings_occurred (occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS settlement_entries (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  posting_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  side CHAR(1) CHARACTER SET ascii NOT NULL,
  amount_fen BIGINT NOT NULL,
  -- Denormalised from the account so reports group without a join.
  supplier_id BIGINT NULL,
  county_id BIGINT NULL,
  KEY ix_settlement_entries_posting (posting_id),
  KEY ix_settlement_entries_account (account_id),
  KEY ix_settlement_entries_supplier (supplier_id),
  CONSTRAINT settlement_entries_side CHECK (side IN ('D', 'C')),
  CONSTRAINT settlement_entries_positive CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Settlement's picture of each paid fulfilment, built from the events: what was paid, when and
-- at what amount it was accepted (the payment-due clock starts then), refunds before acceptance.
CREATE TABLE IF NOT EXISTS settlement_fulfilments (
  fulfilment_id BIGINT NOT NULL PRIMARY KEY,
  order_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  county_id BIGINT NOT NULL,
  unit_id BIGINT NULL,
  buyer_kind VARCHAR(16) NOT NULL,
  paid_fen BIGINT NOT NULL,
  paid_at DATETIME(6) NOT NULL,
  refunded_unaccepted_fen BIGINT NOT NULL DEFAULT 0,
  accepted_fen BIGINT NULL,
  accepted_at DATETIME(6) NULL,
  due_date DATE NULL,
  KEY ix_settlement_fulfilments_supplier (supplier_id, accepted_at),
  KEY ix_settlement_fulfilments_due (due_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refunds of settled goods (after acceptance): they reduce what the supplier is owed and go into
-- a statement as a negative item. Refunds before acceptance only reduce the unaccepted payable.
CREATE TABLE IF NOT EXISTS settlement_refunds (
  refund_id BIGINT NOT NULL PRIMARY KEY,
  order_id BIGINT NOT NULL,
  fulfilment_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  county_id BIGINT NOT NULL,
  reason_kind VARCHAR(24) NOT NULL,
  amount_fen BIGINT NOT NULL,
  after_acceptance TINYINT NOT NULL,
  occurred_at DATETIME(6) NOT NULL,
  KEY ix_settlement_refunds_supplier (supplier_id, after_acceptance, occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS settlement_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id CHAR(36) CHARACTER SET ascii NOT NULL,
  stream VARCHAR(64) CHARACTER SET ascii NOT NULL,
  event_type VARCHAR(128) CHARACTER SET ascii NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL DEFAULT '',
  payload LONGBLOB NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  occurred_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  claimed_by VARCHAR(128) CHARACTER SET ascii NULL,
  claimed_until DATETIME(6) NULL,
  UNIQUE KEY uq_settlement_outbox_event (event_id),
  KEY ix_settlement_outbox_unpublished (published_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS settlement_processed_events (
  consumer_group VARCHAR(64) CHARACTER SET ascii NOT NULL,
  event_id CHAR(36) CHARACTER SET ascii NOT NULL,
  processed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
