-- An order: one buyer, one fund plan, split into one fulfilment per supplier. Amounts in fen.
-- personal/allowance/budget_fen are the planned shares (sum = total_fen); refunded_fen grows with
-- every completed refund. Every status change is a compare-and-set on (status, version).
CREATE TABLE IF NOT EXISTS ordering_orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  buyer_account_id BIGINT NOT NULL,
  buyer_kind VARCHAR(16) NOT NULL,
  unit_id BIGINT NULL,
  unit_path VARCHAR(255) NOT NULL DEFAULT '',
  status VARCHAR(24) NOT NULL,
  fund_plan VARCHAR(32) NOT NULL,
  total_fen BIGINT NOT NULL,
  personal_fen BIGINT NOT NULL DEFAULT 0,
  allowance_fen BIGINT NOT NULL DEFAULT 0,
  budget_fen BIGINT NOT NULL DEFAULT 0,
  budget_year INT NOT NULL,
  refunded_fen BIGINT NOT NULL DEFAULT 0,
  line_count INT NOT NULL,
  note VARCHAR(500) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expires_at DATETIME(6) NULL,
  paid_at DATETIME(6) NULL,
  KEY ordering_orders_buyer (buyer_account_id, id),
  KEY ordering_orders_unit (unit_path, id),
  KEY ordering_orders_status_expiry (status, expires_at),
  KEY ordering_orders_created (created_at, id),
  CONSTRAINT ordering_orders_total_positive CHECK (total_fen > 0),
  CONSTRAINT ordering_orders_shares_sum CHECK (personal_fen + allowance_fen + budget_fen = total_fen),
  CONSTRAINT ordering_orders_refund_bounded CHECK (refunded_fen >= 0 AND refunded_fen <= total_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One fulfilment per supplier of an order: what that supplier ships, and the buyer receives and
-- (for unit orders) accepts.
CREATE TABLE IF NOT EXISTS ordering_fulfilments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  county_id BIGINT NOT NULL,
  status VARCHAR(24) NOT NULL,
  subtotal_fen BIGINT NOT NULL,
  accepted_fen BIGINT NULL,
  carrier VARCHAR(64) NULL,
  tracking_number VARCHAR(64) NULL,
  batch_number VARCHAR(64) NULL,
  version BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  shipped_at DATETIME(6) NULL,
  received_at DATETIME(6) NULL,
  accepted_at DATETIME(6) NULL,
  KEY ordering_fulfilments_order (order_id),
  KEY ordering_fulfilments_supplier (supplier_id, id),
  KEY ordering_fulfilments_status_shipped (status, shipped_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Order lines snapshot what the catalog said when the order was placed: price, supplier, county,
-- category and whether it was a certified aid product (with the certificate).
CREATE TABLE IF NOT EXISTS ordering_order_lines (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  fulfilment_id BIGINT NOT NULL,
  sku_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  county_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  product_title VARCHAR(255) NOT NULL,
  sku_spec VARCHAR(255) NOT NULL DEFAULT '',
  sale_unit VARCHAR(32) NOT NULL DEFAULT '',
  net_weight_grams BIGINT NOT NULL DEFAULT 0,
  quantity BIGINT NOT NULL,
  unit_price_fen BIGINT NOT NULL,
  line_total_fen BIGINT NOT NULL,
  certified TINYINT NOT NULL DEFAULT 0,
  certificate_id BIGINT NULL,
  certificate_number VARCHAR(128) NULL,
  accepted_quantity BIGINT NULL,
  accepted_weight_grams BIGINT NULL,
  accepted_amount_fen BIGINT NULL,
  acceptance_reason VARCHAR(500) NULL,
  refunded_fen BIGINT NOT NULL DEFAULT 0,
  KEY ordering_lines_order (order_id),
  KEY ordering_lines_fulfilment (fulfilment_id),
  CONSTRAINT ordering_lines_quantity_positive CHECK (quantity > 0),
  CONSTRAINT ordering_lines_refund_bounded CHECK (refunded_fen >= 0 AND refunded_fen <= line_total_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every transition of an order or one of its fulfilments.
CREATE TABLE IF NOT EXISTS ordering_order_history (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  fulfilment_id BIGINT NULL,
  from_status VARCHAR(24) NULL,
  to_status VARCHAR(24) NOT NULL,
  actor_account_id BIGINT NULL,
  reason VARCHAR(500) NOT NULL DEFAULT '',
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ordering_history_order (order_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency-Key records, scoped to the caller's account. A row is inserted in_progress in its
-- own transaction before the work starts; the work's transaction marks it completed with the
-- response. An in_progress row whose lease ran out (the process died) may be taken over.
CREATE TABLE IF NOT EXISTS ordering_idempotency_keys (
  account_id BIGINT NOT NULL,
  idempotency_key VARCHAR(255) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  status VARCHAR(16) NOT NULL,
  response_status INT NULL,
  response_body MEDIUMTEXT NULL,
  attempt_token CHAR(36) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  lease_until DATETIME(6) NOT NULL,
  PRIMARY KEY (account_id, idempotency_key),
  KEY ordering_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
