-- aidstats: the consumption-aid totals, kept live from ordering's events and rebuildable from
-- ordering's published views (0391). Amounts are BIGINT fen.
--
-- aidstats_totals: one row per (dimension, period, item):
--   dimension  total | county | supplier | category | unit | fund_source | class
--   period     '' (all time) | 'YYYY' | 'YYYY-MM' | 'YYYY-Www' (ISO week) | 'YYYY-MM-DD'
--              (China's calendar, UTC+8, of the day the order was paid)
--   item       '' for total; the id for county, supplier, category, unit; the source name
--              (unit_budget, allowance, personal) for fund_source; direct | help_sell for class
-- A purchase counts on the day it was paid; its refunds (after-sales, partial acceptance)
-- reduce the buckets of that purchase, so every period shows the net aid of what was bought in
-- it (docs/adr/0013-aid-totals-from-order-facts.md).
CREATE TABLE IF NOT EXISTS aidstats_totals (
  dimension VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  period VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  item VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  amount_fen BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (dimension, period, item),
  KEY ix_aidstats_totals_ranking (dimension, period, amount_fen)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the totals hold of each paid order (its facts when last applied): the order's net
-- shares per fund source and its certified lines' net amounts. Applying an order again
-- subtracts the contribution of these facts and adds the contribution of the current ones.
CREATE TABLE IF NOT EXISTS aidstats_orders (
  order_id BIGINT NOT NULL PRIMARY KEY,
  paid_day DATE NOT NULL,
  unit_id BIGINT NOT NULL DEFAULT 0,
  buyer_kind VARCHAR(16) NOT NULL,
  budget_net_fen BIGINT NOT NULL DEFAULT 0,
  allowance_net_fen BIGINT NOT NULL DEFAULT 0,
  personal_net_fen BIGINT NOT NULL DEFAULT 0,
  applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ix_aidstats_orders_day (paid_day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS aidstats_order_lines (
  line_id BIGINT NOT NULL PRIMARY KEY,
  order_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  county_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  net_fen BIGINT NOT NULL,
  KEY ix_aidstats_order_lines_order (order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS aidstats_processed_events (
  consumer_group VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  processed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
