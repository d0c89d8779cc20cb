-- Catalog: holiday campaigns (春节, 扶贫日 17 October, 中秋). An operator defines a campaign with a
-- time window [starts_at, ends_at) in UTC, its featured products, and per SKU a campaign price
-- and a campaign stock cap. Nothing runs at the window's edges: the price in effect is computed
-- from the window (catalog_sku_pricing, 0320), so it reverts by itself when the window closes.
-- Ending a campaign early moves ends_at to the moment it ended (starts_at too when it had not
-- started: the window is then empty) on the campaign and on its SKU rows together.
CREATE TABLE IF NOT EXISTS catalog_campaigns (
  id BIGINT NOT NULL AUTO_INCREMENT,
  code VARCHAR(32) NOT NULL,
  name VARCHAR(64) NOT NULL,
  kind VARCHAR(24) NOT NULL COMMENT 'spring_festival | poverty_relief_day | mid_autumn | other',
  starts_at DATETIME(6) NOT NULL,
  ends_at DATETIME(6) NOT NULL,
  ended_early TINYINT NOT NULL DEFAULT 0,
  end_reason VARCHAR(500) NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_by_account_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_campaigns_code (code),
  KEY ix_catalog_campaigns_window (ends_at, starts_at),
  CONSTRAINT ck_catalog_campaigns_kind
    CHECK (kind IN ('spring_festival', 'poverty_relief_day', 'mid_autumn', 'other')),
  CONSTRAINT ck_catalog_campaigns_window CHECK (ends_at >= starts_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=1000;

-- Featured products, in the operator's order.
CREATE TABLE IF NOT EXISTS catalog_campaign_products (
  campaign_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  position INT NOT NULL,
  PRIMARY KEY (campaign_id, product_id),
  KEY ix_catalog_campaign_products_product (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A SKU's campaign price and cap. The window is the campaign's, copied so that pricing joins
-- one table by (sku_id, window); two rows of one SKU never overlap (checked in the transaction
-- that writes them, with the SKU rows locked). stock_cap counts units ordered at the campaign
-- price; ordering keeps the count (ordering_campaign_sales, 0321).
CREATE TABLE IF NOT EXISTS catalog_campaign_skus (
  campaign_id BIGINT NOT NULL,
  sku_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  base_price_fen BIGINT NOT NULL COMMENT 'the SKU price when the campaign was defined',
  price_fen BIGINT NOT NULL,
  stock_cap BIGINT NOT NULL,
  starts_at DATETIME(6) NOT NULL,
  ends_at DATETIME(6) NOT NULL,
  PRIMARY KEY (campaign_id, sku_id),
  KEY ix_catalog_campaign_skus_window (sku_id, ends_at, starts_at),
  CONSTRAINT ck_catalog_campaign_skus_price CHECK (price_fen > 0),
  CONSTRAINT ck_catalog_campaign_skus_cap CHECK (stock_cap > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Price history rows a campaign wrote: the campaign price at starts_at and the revert at
-- ends_at (changed_at is when the price takes effect, which for these is the window's edge).
ALTER TABLE catalog_price_history ADD COLUMN IF NOT EXISTS campaign_id BIGINT NULL;
