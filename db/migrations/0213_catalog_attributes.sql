-- Catalog: typed attributes. A category declares its attributes (产地, 净含量 in g, 保质期 in
-- days, 储存方式, 等级 ...); they apply to the category and every category below it, so a code
-- is declared once along any root-to-leaf chain. SKUs carry one value per attribute: integers
-- in int_value (in the attribute's unit), text and enum values in text_value. The value
-- indexes serve the browse filters (净含量 between 500 and 2500 g).
CREATE TABLE catalog_category_attributes (
  id BIGINT NOT NULL AUTO_INCREMENT,
  category_id BIGINT NOT NULL,
  code VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name VARCHAR(16) NOT NULL,
  value_type VARCHAR(8) NOT NULL,
  unit VARCHAR(8) NULL COMMENT 'int attributes only: g, 天, ml ...',
  min_value BIGINT NULL COMMENT 'int attributes only',
  max_value BIGINT NULL COMMENT 'int attributes only',
  enum_values VARCHAR(1000) NULL COMMENT 'enum attributes only: the allowed values, a JSON array',
  required TINYINT(1) NOT NULL DEFAULT 0,
  position INT NOT NULL DEFAULT 0,
  created_by_account_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_category_attributes_code (category_id, code),
  CONSTRAINT ck_catalog_category_attributes_type CHECK (value_type IN ('text', 'int', 'enum'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=1000;

CREATE TABLE catalog_sku_attribute_values (
  sku_id BIGINT NOT NULL,
  attribute_id BIGINT NOT NULL,
  int_value BIGINT NULL,
  text_value VARCHAR(100) NULL,
  PRIMARY KEY (sku_id, attribute_id),
  KEY ix_catalog_sku_attribute_values_int (attribute_id, int_value, sku_id),
  KEY ix_catalog_sku_attribute_values_text (attribute_id, text_value, sku_id),
  CONSTRAINT ck_catalog_sku_attribute_values_one CHECK ((int_value IS NULL) <> (text_value IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
