-- identity: the org tree (group -> subsidiaries -> units of any depth).
-- `path` is the materialized list of ids from the root, "/1/4/17/": "is X in Y's subtree" is a
-- prefix test, with the trailing slash so "/1/4/" never matches "/1/40/". Set in the same
-- transaction that inserts the row (the id is only known after the insert).
CREATE TABLE identity_org_units (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  parent_id BIGINT UNSIGNED NULL,
  code VARCHAR(64) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(32) CHARACTER SET ascii NOT NULL,  -- group, subsidiary, canteen, union, office, department, unit
  path VARCHAR(1000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  depth INT NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_identity_org_units_code (code),
  KEY ix_identity_org_units_parent (parent_id, id),
  KEY ix_identity_org_units_path (path),
  CONSTRAINT fk_identity_org_units_parent FOREIGN KEY (parent_id) REFERENCES identity_org_units (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
