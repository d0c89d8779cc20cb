-- Catalog's view in ordering's number range: it was added for ordering's order path (issue 11)
-- when catalog's next numbers were taken; it depends on catalog tables only (lower numbers).
-- THE PRICING CONTRACT WITH ORDERING: what ordering reads of a SKU (placing an order: every SKU
-- it prices in one SELECT; the cart: with the names), by sku_id, inside ordering's own
-- transaction. Do not change its columns: add a new view. It replaces catalog_orderable_sku
-- (0206) for ordering; 0206 stays for readers that want its certificate columns.
--   is_orderable: 1 when the product is listed, the SKU active and the supplier active.
--   product_certificate / supplier_certificate: the active certification of that scope valid
--     today (the one valid longest, then the highest id, when several), as the text
--     '<valid_to YYYY-MM-DD> <id> <certificate_number>', NULL when none. The certificate of
--     the SKU is the later of the two by (valid_to, id): the same one catalog_orderable_sku
--     names.
--   supplier_name, county_name: for display (the county is a LEFT JOIN on its primary key, so a
--     SELECT that does not name county_name does not read it: MariaDB's table elimination).
-- Why this shape: every lookup is by primary key or by a prefix of
-- ix_catalog_certifications_target read backwards (no scan, no sort), and pricing joins three
-- tables, so MariaDB's per-execution optimisation of the prepared statement stays cheap. The
-- certificate of 0206, one subquery over both scopes with OR and ORDER BY, reads every
-- certification row for every SKU priced.
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
  co.name AS county_name
FROM catalog_skus s
JOIN catalog_products p ON p.id = s.product_id
JOIN catalog_suppliers sup ON sup.id = p.supplier_id
LEFT JOIN catalog_counties co ON co.id = p.county_id;
