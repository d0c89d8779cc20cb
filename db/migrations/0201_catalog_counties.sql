-- Catalog: counties that receive consumption aid (定点扶贫 / 对口支援). Operators add them, the
-- demo loads the nine counties of the group. Demo rows use fixed ids below 1000 (see
-- services/catalog/src/demo_data.cpp), rows created at runtime start at 1000, so the demo
-- accounts of identity can refer to demo counties by a known id.
CREATE TABLE catalog_counties (
  id BIGINT NOT NULL AUTO_INCREMENT,
  code VARCHAR(12) NOT NULL COMMENT 'GB/T 2260 administrative division code, e.g. 610827',
  name VARCHAR(64) NOT NULL,
  province VARCHAR(64) NOT NULL,
  prefecture VARCHAR(64) NOT NULL,
  assistance_kind VARCHAR(16) NOT NULL COMMENT 'designated = 定点扶贫, paired = 对口支援',
  deep_poverty TINYINT NOT NULL DEFAULT 0 COMMENT '三区三州 deep-poverty area',
  listed_supervision TINYINT NOT NULL DEFAULT 0 COMMENT '挂牌督战 listed supervision',
  old_revolutionary_area TINYINT NOT NULL DEFAULT 0 COMMENT '革命老区',
  paired_org_unit_code VARCHAR(64) NULL COMMENT 'identity org unit code of the pairing subsidiary (no cross-service FK)',
  paired_org_unit_id BIGINT NULL COMMENT 'identity org unit id when known (no cross-service FK)',
  version BIGINT NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_counties_code (code),
  CONSTRAINT ck_catalog_counties_kind CHECK (assistance_kind IN ('designated', 'paired'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=1000;
