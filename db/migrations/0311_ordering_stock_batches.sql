-- Harvest batches (issue 15 item 2, ADR 0021): a SKU's stock held per batch, with the harvest
-- date, origin village and inspection report reference. ordering_stock stays the SKU's total
-- (the one row every order locks): `batch_available` is how much of `available` lies in batches
-- (the rest is "loose" stock set before batches, through PUT /v1/inventory). Every write of a
-- batch first changes its SKU's stock row in the same transaction, so that row's lock orders all
-- batch writers and sum(batch.available) = stock.batch_available holds at every commit.
ALTER TABLE ordering_stock
  ADD COLUMN IF NOT EXISTS batch_available BIGINT NOT NULL DEFAULT 0 AFTER available;
ALTER TABLE ordering_stock
  ADD CONSTRAINT IF NOT EXISTS ordering_stock_batches_within_available
    CHECK (batch_available >= 0 AND batch_available <= available);

-- A batch, or a pre-sale batch: taken orders before it exists (harvest_date NULL, quantity =
-- the pre-sale cap) and ships from `ships_from`; when it arrives the supplier records its
-- harvest date, village, inspection and real quantity, and the units pre-sold are drawn from
-- it (they already point at it). available + reserved + sold = the batch's quantity.
CREATE TABLE IF NOT EXISTS ordering_stock_batches (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sku_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  harvest_date DATE NULL,
  origin_village VARCHAR(128) NULL,
  inspection_report VARCHAR(128) NULL,
  presale TINYINT NOT NULL DEFAULT 0,
  ships_from DATE NULL,
  available BIGINT NOT NULL DEFAULT 0,
  reserved BIGINT NOT NULL DEFAULT 0,
  sold BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  arrived_at DATETIME(6) NULL,
  KEY ordering_batches_sku (sku_id, harvest_date, id),
  CONSTRAINT ordering_batches_available_not_negative CHECK (available >= 0),
  CONSTRAINT ordering_batches_reserved_not_negative CHECK (reserved >= 0),
  CONSTRAINT ordering_batches_sold_not_negative CHECK (sold >= 0),
  CONSTRAINT ordering_batches_harvested_or_presale
    CHECK (harvest_date IS NOT NULL OR presale = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which batch each order line's units came from (a line may span batches: one row a part).
-- Lines of SKUs without batches have no rows. Cancel, expiry and rejection return each part to
-- its batch; shipment moves each part to sold; the trace of a line reads them.
CREATE TABLE IF NOT EXISTS ordering_line_batches (
  line_id BIGINT NOT NULL,
  batch_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  sku_id BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  PRIMARY KEY (line_id, batch_id),
  KEY ordering_line_batches_order (order_id),
  KEY ordering_line_batches_batch (batch_id),
  CONSTRAINT ordering_line_batches_quantity_positive CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
