-- Ordering: holiday campaigns. An order line priced by a campaign carries its id (the aid
-- totals report per campaign), and ordering counts the units each campaign sold of each SKU
-- against the cap catalog publishes in catalog_sku_pricing (0320): one INSERT ... ON DUPLICATE
-- KEY UPDATE per campaign line while placing the order, which the CHECK (sold <= cap) fails as a
-- whole when the units do not fit (row locked: concurrent orders never take more than the cap). Units are counted when ordered (a cancelled or expired order does not give them
-- back to the campaign: the cap is never exceeded, it may be under-used).
ALTER TABLE ordering_order_lines ADD COLUMN IF NOT EXISTS campaign_id BIGINT NULL;

CREATE TABLE IF NOT EXISTS ordering_campaign_sales (
  campaign_id BIGINT NOT NULL,
  sku_id BIGINT NOT NULL,
  cap BIGINT NOT NULL COMMENT 'the campaign stock cap as catalog published it',
  sold BIGINT NOT NULL DEFAULT 0,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (campaign_id, sku_id),
  CONSTRAINT ordering_campaign_sales_sold_not_negative CHECK (sold >= 0),
  CONSTRAINT ordering_campaign_sales_within_cap CHECK (sold <= cap)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
