-- Fund sources other than the payment channel. Balances never go negative: every change is a
-- conditional UPDATE (available_fen >= ?), and the CHECKs below are the last line of defence.
-- hold: available -> held; capture: held -> spent; release: held -> available;
-- refund: spent -> available.
CREATE TABLE IF NOT EXISTS ordering_unit_budgets (
  unit_id BIGINT NOT NULL,
  budget_year INT NOT NULL,
  unit_path VARCHAR(255) NOT NULL,
  granted_fen BIGINT NOT NULL DEFAULT 0,
  available_fen BIGINT NOT NULL DEFAULT 0,
  held_fen BIGINT NOT NULL DEFAULT 0,
  spent_fen BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (unit_id, budget_year),
  CONSTRAINT ordering_budget_available_not_negative CHECK (available_fen >= 0),
  CONSTRAINT ordering_budget_held_not_negative CHECK (held_fen >= 0),
  CONSTRAINT ordering_budget_spent_not_negative CHECK (spent_fen >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The union welfare allowance of one employee for one year, set by the unit's union admin.
CREATE TABLE IF NOT EXISTS ordering_allowances (
  account_id BIGINT NOT NULL,
  allowance_year INT NOT NULL,
  unit_id BIGINT NOT NULL,
  unit_path VARCHAR(255) NOT NULL,
  granted_fen BIGINT NOT NULL DEFAULT 0,
  available_fen BIGINT NOT NULL DEFAULT 0,
  held_fen BIGINT NOT NULL DEFAULT 0,
  spent_fen BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (account_id, allowance_year),
  KEY ordering_allowances_unit (unit_path),
  CONSTRAINT ordering_allowance_available_not_negative CHECK (available_fen >= 0),
  CONSTRAINT ordering_allowance_held_not_negative CHECK (held_fen >= 0),
  CONSTRAINT ordering_allowance_spent_not_negative CHECK (spent_fen >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per-unit ordering settings: orders above the threshold need an approver.
CREATE TABLE IF NOT EXISTS ordering_unit_settings (
  unit_id BIGINT NOT NULL PRIMARY KEY,
  unit_path VARCHAR(255) NOT NULL,
  approval_threshold_fen BIGINT NOT NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The ledger of every fund movement of an order, per source, exact in fen.
-- kind: hold, capture, release, refund (refund rows name the refund they belong to).
CREATE TABLE IF NOT EXISTS ordering_fund_movements (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  source VARCHAR(16) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  amount_fen BIGINT NOT NULL,
  refund_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ordering_movements_order (order_id, id),
  CONSTRAINT ordering_movements_positive CHECK (amount_fen > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
