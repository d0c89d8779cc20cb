-- Payment intents for the personal share of an order, through a payment channel.
-- status: pending, succeeded, refunded (a late payment or a full refund), failed.
CREATE TABLE IF NOT EXISTS ordering_payments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  intent_id VARCHAR(64) NOT NULL,
  order_id BIGINT NOT NULL,
  channel VARCHAR(16) NOT NULL,
  amount_fen BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  channel_ref VARCHAR(128) NULL,
  refunded_fen BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  succeeded_at DATETIME(6) NULL,
  UNIQUE KEY ordering_payments_intent (intent_id),
  KEY ordering_payments_order (order_id),
  CONSTRAINT ordering_payments_amount_positive CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every genuine callback we accepted, keyed by the channel's event id: a replay finds its row
-- and changes nothing.
CREATE TABLE IF NOT EXISTS ordering_payment_callbacks (
  channel VARCHAR(16) NOT NULL,
  channel_event_id VARCHAR(128) NOT NULL,
  intent_id VARCHAR(64) NOT NULL,
  outcome VARCHAR(32) NOT NULL,
  received_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (channel, channel_event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The sandbox channel's own books (what a real provider keeps on its side): intents it was
-- asked to collect, and whether the buyer confirmed them.
CREATE TABLE IF NOT EXISTS ordering_sandbox_intents (
  intent_id VARCHAR(64) NOT NULL PRIMARY KEY,
  amount_fen BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL,
  channel_event_id VARCHAR(64) NULL,
  refunded_fen BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  confirmed_at DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refunds of an order, spread over its fund sources in reverse order of use.
-- reason_kind: late_payment, partial_acceptance, after_sale.
CREATE TABLE IF NOT EXISTS ordering_refunds (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  fulfilment_id BIGINT NULL,
  after_sale_id BIGINT NULL,
  reason_kind VARCHAR(24) NOT NULL,
  amount_fen BIGINT NOT NULL,
  personal_fen BIGINT NOT NULL DEFAULT 0,
  allowance_fen BIGINT NOT NULL DEFAULT 0,
  budget_fen BIGINT NOT NULL DEFAULT 0,
  status VARCHAR(16) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  completed_at DATETIME(6) NULL,
  KEY ordering_refunds_order (order_id),
  CONSTRAINT ordering_refunds_positive CHECK (amount_fen > 0),
  CONSTRAINT ordering_refunds_shares_sum CHECK (personal_fen + allowance_fen + budget_fen = amount_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
