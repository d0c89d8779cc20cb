-- Ordering owns stock: reserving it must be atomic with writing the order. Supplier staff set
-- and adjust it through ordering's inventory routes. `reserved` counts units held by orders that
-- have not shipped yet; `sold` counts units that left with a shipment.
CREATE TABLE IF NOT EXISTS ordering_stock (
  sku_id BIGINT NOT NULL PRIMARY KEY,
  supplier_id BIGINT NOT NULL,
  available BIGINT NOT NULL DEFAULT 0,
  reserved BIGINT NOT NULL DEFAULT 0,
  sold BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ordering_stock_supplier (supplier_id, sku_id),
  CONSTRAINT ordering_stock_available_not_negative CHECK (available >= 0),
  CONSTRAINT ordering_stock_reserved_not_negative CHECK (reserved >= 0),
  CONSTRAINT ordering_stock_sold_not_negative CHECK (sold >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One cart per buyer account: a line per SKU. Prices are never stored here; the cart view reads
-- the current price from the catalog view.
CREATE TABLE IF NOT EXISTS ordering_cart_items (
  account_id BIGINT NOT NULL,
  sku_id BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  added_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (account_id, sku_id),
  CONSTRAINT ordering_cart_quantity_positive CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
