-- Catalog's view in ordering's number range (after 0320, whose campaign windows it reads), for
-- ordering's pricing cache (issue 11, services/ordering/src/pricing_cache.hpp).
-- THE CONTRACT: for a SKU, the next moment after now (UTC_TIMESTAMP(6), the statement's time) at
-- which a campaign window of it starts or ends, i.e. the moment catalog_sku_pricing's campaign
-- columns for it may change without any catalog write. NULL when no window of the SKU is open
-- or ahead. Everything else catalog_sku_pricing shows changes only by a catalog write (which
-- moves the catalog version, ADR 0003) or at a day edge (certificates use CURRENT_DATE).
-- One range read of ix_catalog_campaign_skus_window per SKU (sku_id, ends_at > now), no sort.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW catalog_sku_price_edges AS
SELECT
  s.id AS sku_id,
  (SELECT MIN(IF(cs.starts_at > UTC_TIMESTAMP(6), cs.starts_at, cs.ends_at))
   FROM catalog_campaign_skus cs
   WHERE cs.sku_id = s.id AND cs.ends_at > UTC_TIMESTAMP(6)) AS next_edge_at
FROM catalog_skus s;
