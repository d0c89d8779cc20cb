-- Catalog: the category tree (粮油, 肉禽蛋, 果蔬, 茶饮, 特产, ...). `path` is the chain of codes
-- from the root ("/grain/millet/"), so a subtree is one prefix match.
CREATE TABLE catalog_categories (
  id BIGINT NOT NULL AUTO_INCREMENT,
  parent_id BIGINT NULL,
  code VARCHAR(32) NOT NULL,
  name VARCHAR(32) NOT NULL,
  path VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  position INT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_categories_code (code),
  KEY ix_catalog_categories_path (path),
  KEY ix_catalog_categories_parent (parent_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=1000;
