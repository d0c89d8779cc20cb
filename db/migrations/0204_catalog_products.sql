-- Catalog: products (SPU) with SKUs, images, price history and the search n-gram index.
-- A product and its SKUs are one aggregate: every change bumps catalog_products.version (the
-- ETag / If-Match value). min_price_fen is the lowest active SKU price, kept in the same
-- transaction as SKU writes so browse can sort and filter by price with an index.
CREATE TABLE catalog_products (
  id BIGINT NOT NULL AUTO_INCREMENT,
  supplier_id BIGINT NOT NULL,
  county_id BIGINT NOT NULL COMMENT 'origin county (the supplier''s county)',
  category_id BIGINT NOT NULL,
  title VARCHAR(60) NOT NULL,
  description VARCHAR(2000) NOT NULL DEFAULT '',
  status VARCHAR(16) NOT NULL DEFAULT 'draft',
  status_reason VARCHAR(500) NULL,
  version BIGINT NOT NULL DEFAULT 1,
  min_price_fen BIGINT NULL,
  sales_count BIGINT NOT NULL DEFAULT 0,
  listed_at DATETIME(6) NULL,
  created_by_account_id BIGINT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_products_supplier_title (supplier_id, title),
  KEY ix_catalog_products_newest (status, listed_at, id),
  KEY ix_catalog_products_price (status, min_price_fen, id),
  KEY ix_catalog_products_sales (status, sales_count, id),
  KEY ix_catalog_products_county (county_id, status, category_id),
  KEY ix_catalog_products_category (category_id, status),
  CONSTRAINT ck_catalog_products_status
    CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'listed', 'delisted'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE catalog_skus (
  id BIGINT NOT NULL AUTO_INCREMENT,
  product_id BIGINT NOT NULL,
  spec VARCHAR(64) NOT NULL COMMENT 'e.g. 2.5kg 真空装',
  sale_unit VARCHAR(16) NOT NULL COMMENT 'e.g. 袋, 箱, 盒',
  net_weight_grams BIGINT NOT NULL,
  price_fen BIGINT NOT NULL,
  market_reference_price_fen BIGINT NULL COMMENT '比质比价 reference; price above it is flagged',
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  position INT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_skus_product_spec (product_id, spec),
  CONSTRAINT ck_catalog_skus_weight CHECK (net_weight_grams > 0),
  CONSTRAINT ck_catalog_skus_price CHECK (price_fen > 0),
  CONSTRAINT ck_catalog_skus_reference CHECK (market_reference_price_fen IS NULL OR market_reference_price_fen > 0),
  CONSTRAINT ck_catalog_skus_status CHECK (status IN ('active', 'inactive'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE catalog_product_images (
  id BIGINT NOT NULL AUTO_INCREMENT,
  product_id BIGINT NOT NULL,
  position INT NOT NULL,
  url VARCHAR(500) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_product_images_position (product_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every price a SKU ever had: the first row has old_price_fen NULL (the SKU was created).
CREATE TABLE catalog_price_history (
  id BIGINT NOT NULL AUTO_INCREMENT,
  sku_id BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  old_price_fen BIGINT NULL,
  new_price_fen BIGINT NOT NULL,
  changed_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  changed_by_account_id BIGINT NULL,
  PRIMARY KEY (id),
  KEY ix_catalog_price_history_sku (sku_id, id),
  KEY ix_catalog_price_history_product (product_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Search index over titles: every character (unigram) and every pair of adjacent characters
-- (bigram) of CJK runs, and lower-cased words of other letters and digits. A query matches a
-- product that has all of the query's terms, so 小米 finds 米脂小米. Written in the same
-- transaction as the title.
CREATE TABLE catalog_search_terms (
  term VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  product_id BIGINT NOT NULL,
  PRIMARY KEY (term, product_id),
  KEY ix_catalog_search_terms_product (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
