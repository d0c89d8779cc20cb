-- identity: accounts and their roles.
-- An account has a home unit (needed by the unit roles); supplier_staff and county_officer
-- grants carry the supplier / county they act for. Supplier and county ids are the catalog's:
-- plain BIGINTs, no foreign key across services.
CREATE TABLE identity_accounts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  login VARCHAR(64) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  unit_id BIGINT UNSIGNED NULL,
  status VARCHAR(16) CHARACTER SET ascii NOT NULL DEFAULT 'active',  -- active, disabled
  failed_attempts INT NOT NULL DEFAULT 0,       -- consecutive wrong passwords
  locked_until DATETIME(6) NULL,                -- login refused until then
  password_changed_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_identity_accounts_login (login),
  KEY ix_identity_accounts_unit (unit_id, id),
  CONSTRAINT fk_identity_accounts_unit FOREIGN KEY (unit_id) REFERENCES identity_org_units (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per (account, role). Scope columns: unit roles use unit_id (the account's unit at
-- grant time), supplier_staff uses supplier_id, county_officer county_id; global roles none.
CREATE TABLE identity_account_roles (
  account_id BIGINT UNSIGNED NOT NULL,
  role VARCHAR(32) CHARACTER SET ascii NOT NULL,
  unit_id BIGINT UNSIGNED NULL,
  supplier_id BIGINT UNSIGNED NULL,
  county_id BIGINT UNSIGNED NULL,
  granted_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  granted_by_account_id BIGINT UNSIGNED NULL,  -- null: the CLI or the demo loader
  PRIMARY KEY (account_id, role),
  KEY ix_identity_account_roles_role (role, account_id),
  KEY ix_identity_account_roles_supplier (supplier_id),
  KEY ix_identity_account_roles_county (county_id),
  CONSTRAINT fk_identity_account_roles_account FOREIGN KEY (account_id) REFERENCES identity_accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
