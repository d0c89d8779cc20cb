-- Catalog: 比质比价 price reviews. A SKU priced above its market reference by more than the
-- configured margin (HUICAI_CATALOG_PRICE_MARGIN_BP) is not listed, and a listed one does not
-- take such a price, until an operator approved a justification the supplier filed for exactly
-- that price against exactly that reference. margin_bp is (price - reference) / reference in
-- basis points (2000 = 20 % above), kept as filed for the review queue.
-- pending_slot is 1 while the review is pending and NULL after: one pending review per SKU
-- (a new justification supersedes the old one in the same transaction).
CREATE TABLE catalog_price_reviews (
  id BIGINT NOT NULL AUTO_INCREMENT,
  product_id BIGINT NOT NULL,
  sku_id BIGINT NOT NULL,
  price_fen BIGINT NOT NULL,
  reference_fen BIGINT NOT NULL,
  margin_bp BIGINT NOT NULL,
  allowed_margin_bp BIGINT NOT NULL COMMENT 'the configured margin when filed',
  justification VARCHAR(500) NOT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'pending',
  pending_slot TINYINT NULL DEFAULT 1,
  requested_by_account_id BIGINT NULL,
  requested_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  decided_by_account_id BIGINT NULL,
  decided_at DATETIME(6) NULL,
  decision_reason VARCHAR(500) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_price_reviews_pending (sku_id, pending_slot),
  KEY ix_catalog_price_reviews_sku (sku_id, status, price_fen, reference_fen),
  KEY ix_catalog_price_reviews_status (status, id),
  CONSTRAINT ck_catalog_price_reviews_status
    CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
  CONSTRAINT ck_catalog_price_reviews_slot
    CHECK ((status = 'pending' AND pending_slot = 1) OR (status <> 'pending' AND pending_slot IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=1000;
