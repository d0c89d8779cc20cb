-- Catalog: suppliers (cooperatives, enterprises, family farms), each registered in one county.
-- Onboarding: applied -> recommended (county officer) -> active (operator) or rejected, and
-- active <-> suspended. The bank account is shown masked to everyone but finance.
CREATE TABLE catalog_suppliers (
  id BIGINT NOT NULL AUTO_INCREMENT,
  county_id BIGINT NOT NULL,
  name VARCHAR(128) NOT NULL,
  kind VARCHAR(16) NOT NULL COMMENT 'cooperative | enterprise | family_farm',
  credit_code VARCHAR(18) NULL COMMENT '统一社会信用代码',
  status VARCHAR(16) NOT NULL DEFAULT 'applied',
  status_reason VARCHAR(500) NULL,
  contact_name VARCHAR(64) NOT NULL,
  contact_phone VARCHAR(32) NOT NULL,
  address VARCHAR(255) NOT NULL DEFAULT '',
  bank_name VARCHAR(128) NULL,
  bank_account_name VARCHAR(128) NULL,
  bank_account_number VARCHAR(40) NULL,
  created_by_account_id BIGINT NULL,
  recommended_by_account_id BIGINT NULL,
  reviewed_by_account_id BIGINT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_suppliers_county_name (county_id, name),
  UNIQUE KEY uq_catalog_suppliers_credit_code (credit_code),
  KEY ix_catalog_suppliers_status (status, id),
  CONSTRAINT ck_catalog_suppliers_kind CHECK (kind IN ('cooperative', 'enterprise', 'family_farm')),
  CONSTRAINT ck_catalog_suppliers_status
    CHECK (status IN ('applied', 'recommended', 'active', 'rejected', 'suspended'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=1000;
