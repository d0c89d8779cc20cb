-- Pre-sale units apart (ADR 0021): orders take harvested batches (oldest first), then loose
-- units, then pre-sale batches, so a SKU with units on hand never sells a harvest that does
-- not exist yet. `batch_available` now counts units of harvested batches only;
-- `presale_available` the units of pre-sale batches that have not arrived.
ALTER TABLE ordering_stock
  ADD COLUMN IF NOT EXISTS presale_available BIGINT NOT NULL DEFAULT 0 AFTER batch_available;
UPDATE ordering_stock s SET
  s.presale_available = (SELECT COALESCE(SUM(b.available), 0) FROM ordering_stock_batches b
                         WHERE b.sku_id = s.sku_id AND b.harvest_date IS NULL),
  s.batch_available = (SELECT COALESCE(SUM(b.available), 0) FROM ordering_stock_batches b
                       WHERE b.sku_id = s.sku_id AND b.harvest_date IS NOT NULL)
WHERE s.batch_available > 0;
ALTER TABLE ordering_stock
  ADD CONSTRAINT IF NOT EXISTS ordering_stock_presale_within_available
    CHECK (presale_available >= 0 AND batch_available + presale_available <= available);
