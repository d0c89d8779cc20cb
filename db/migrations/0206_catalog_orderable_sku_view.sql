-- THE CONTRACT WITH ORDERING: a read-only view ordering reads by sku_id inside its own
-- transaction when it prices and places an order. Do not change its columns: add a new view.
--   is_orderable: 1 when the product is listed, the SKU active and the supplier active.
--   certificate_*: the active product- or supplier-scope certification valid today (the one
--   valid longest when several), NULL when none.
CREATE SQL SECURITY INVOKER VIEW catalog_orderable_sku AS
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
  c.id AS certificate_id,
  c.certificate_number AS certificate_number,
  c.valid_from AS certified_from,
  c.valid_to AS certified_to,
  sup.name AS supplier_name,
  co.name AS county_name
FROM catalog_skus s
JOIN catalog_products p ON p.id = s.product_id
JOIN catalog_suppliers sup ON sup.id = p.supplier_id
JOIN catalog_counties co ON co.id = p.county_id
LEFT JOIN catalog_certifications c ON c.id = (
  SELECT c2.id FROM catalog_certifications c2
  WHERE c2.status = 'active'
    AND c2.valid_from <= CURRENT_DATE AND c2.valid_to >= CURRENT_DATE
    AND ((c2.scope = 'product' AND c2.target_id = p.id)
         OR (c2.scope = 'supplier' AND c2.target_id = p.supplier_id))
  ORDER BY c2.valid_to DESC, c2.id DESC
  LIMIT 1);
