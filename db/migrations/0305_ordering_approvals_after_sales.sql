-- An approval request for a unit order above its unit's threshold.
-- status: pending, approved, rejected, timed_out.
CREATE TABLE IF NOT EXISTS ordering_approvals (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  unit_id BIGINT NULL,
  unit_path VARCHAR(255) NOT NULL,
  status VARCHAR(16) NOT NULL,
  requested_by BIGINT NOT NULL,
  decided_by BIGINT NULL,
  reason VARCHAR(500) NOT NULL DEFAULT '',
  requested_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  deadline DATETIME(6) NOT NULL,
  decided_at DATETIME(6) NULL,
  UNIQUE KEY ordering_approvals_order (order_id),
  KEY ordering_approvals_unit (unit_path, status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- After-sales refund requests. status: requested, supplier_accepted (refunded), supplier_rejected,
-- disputed, resolved_refund (operator: refund), resolved_no_refund (operator: no refund).
CREATE TABLE IF NOT EXISTS ordering_after_sales (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  fulfilment_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  buyer_account_id BIGINT NOT NULL,
  unit_path VARCHAR(255) NOT NULL DEFAULT '',
  amount_fen BIGINT NOT NULL,
  reason VARCHAR(500) NOT NULL,
  evidence_urls TEXT NOT NULL,
  status VARCHAR(24) NOT NULL,
  supplier_reason VARCHAR(500) NULL,
  operator_reason VARCHAR(500) NULL,
  refund_id BIGINT NULL,
  version BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ordering_after_sales_order (order_id),
  KEY ordering_after_sales_supplier (supplier_id, id),
  CONSTRAINT ordering_after_sales_positive CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
