-- Catalog: aid-product certifications. Scope 'product' certifies one product, 'supplier' every
-- product of the supplier. A product counts as an aid product only on days inside
-- [valid_from, valid_to] of an active certification; ordering snapshots it onto order lines.
CREATE TABLE catalog_certifications (
  id BIGINT NOT NULL AUTO_INCREMENT,
  certificate_number VARCHAR(64) NOT NULL,
  issuing_body VARCHAR(128) NOT NULL,
  scope VARCHAR(16) NOT NULL COMMENT 'product | supplier',
  target_id BIGINT NOT NULL COMMENT 'catalog_products.id or catalog_suppliers.id by scope',
  county_id BIGINT NOT NULL COMMENT 'county of the target, for the county officer''s scope',
  valid_from DATE NOT NULL,
  valid_to DATE NOT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  status_reason VARCHAR(500) NULL,
  created_by_account_id BIGINT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_certifications_number (issuing_body, certificate_number),
  KEY ix_catalog_certifications_target (scope, target_id, status, valid_to),
  KEY ix_catalog_certifications_county (county_id, id),
  CONSTRAINT ck_catalog_certifications_scope CHECK (scope IN ('product', 'supplier')),
  CONSTRAINT ck_catalog_certifications_dates CHECK (valid_from <= valid_to),
  CONSTRAINT ck_catalog_certifications_status CHECK (status IN ('active', 'revoked'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
