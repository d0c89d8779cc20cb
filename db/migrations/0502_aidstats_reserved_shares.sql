-- aidstats: each unit's yearly reserved share of procurement for consumption aid (预留份额):
-- the procurement base it files and the ratio of it reserved for aid products, in basis
-- points (3000 = 30 %). target = base × ratio / 10000, rounded down to the fen.
-- unit_path is identity's path of the unit when it was filed (scope checks read it from here,
-- never from the request). version counts changes (If-Match "v<version>"). Amounts: BIGINT fen.
CREATE TABLE IF NOT EXISTS aidstats_reserved_shares (
  unit_id BIGINT NOT NULL,
  year SMALLINT NOT NULL,
  unit_path VARCHAR(1000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  base_fen BIGINT NOT NULL,
  ratio_basis_points INT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  filed_by_account_id BIGINT NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (unit_id, year),
  KEY ix_aidstats_reserved_shares_year (year, unit_path)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
