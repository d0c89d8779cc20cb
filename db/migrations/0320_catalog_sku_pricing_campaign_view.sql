-- Catalog's view in ordering's number range (it must come after 0310, which it replaces; see
-- 0310 for why pricing lives in a view and for the columns before campaign_id, unchanged and in
-- the same positions: ordering reads them by position).
-- Added: the holiday campaign in effect for the SKU now (catalog_campaign_skus, 0220):
--   campaign_id, campaign_price_fen, campaign_stock_cap: NULL when no campaign window of the
--     SKU contains UTC_TIMESTAMP(6) (the statement's time, so the demo clock moves it too).
--     Windows of one SKU never overlap, so the LEFT JOIN adds at most one row: one lookup of
--     ix_catalog_campaign_skus_window per SKU priced, no scan, no sort. The price a buyer pays
--     is campaign_price_fen when set, price_fen otherwise; price_fen stays the SKU's own price.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW catalog_sku_pricing AS
SELECT
  s.id AS sku_id,
  p.id AS product_id,
  p.supplier_id AS supplier_id,
  p.county_id AS county_id,
  p.category_id AS category_id,
  p.title AS product_title,
  s.spec AS sku_spec,
  s.sale_unit AS sale_unit,
  s.net_weight_grams AS net_weight_grams,
  s.price_fen AS price_fen,
  CASE WHEN p.status = 'listed' AND s.status = 'active' AND sup.status = 'active'
       THEN 1 ELSE 0 END AS is_orderable,
  (SELECT CONCAT(c.valid_to, ' ', c.id, ' ', c.certificate_number)
   FROM catalog_certifications c
   WHERE c.scope = 'product' AND c.target_id = p.id AND c.status = 'active'
     AND c.valid_to >= CURRENT_DATE AND c.valid_from <= CURRENT_DATE
   ORDER BY c.valid_to DESC, c.id DESC
   LIMIT 1) AS product_certificate,
  (SELECT CONCAT(c.valid_to, ' ', c.id, ' ', c.certificate_number)
   FROM catalog_certifications c
   WHERE c.scope = 'supplier' AND c.target_id = p.supplier_id AND c.status = 'active'
     AND c.valid_to >= CURRENT_DATE AND c.valid_from <= CURRENT_DATE
   ORDER BY c.valid_to DESC, c.id DESC
   LIMIT 1) AS supplier_certificate,
  sup.name AS supplier_name,
  co.name AS county_name,
  cs.campaign_id AS campaign_id,
  cs.price_fen AS campaign_price_fen,
  cs.stock_cap AS campaign_stock_cap
FROM catalog_skus s
JOIN catalog_products p ON p.id = s.product_id
JOIN catalog_suppliers sup ON sup.id = p.supplier_id
LEFT JOIN catalog_counties co ON co.id = p.county_id
LEFT JOIN catalog_campaign_skus cs
  ON cs.sku_id = s.id AND cs.ends_at > UTC_TIMESTAMP(6) AND cs.starts_at <= UTC_TIMESTAMP(6);
