-- Catalog: a supplier's bank account changes under four eyes. Whoever enters an account
-- (supplier staff editing their supplier, the officer or operator applying for it) files a
-- pending change; an operator or finance other than the requester confirms it (the account is
-- then copied into catalog_suppliers.bank_* with who confirmed it and when) or rejects it.
-- catalog_suppliers.bank_* therefore always hold the confirmed account: payouts read it through
-- the view catalog_supplier_payout_account (0210).
-- pending_slot is 1 while the change is pending and NULL after: the unique key allows one
-- pending change per supplier (a new request supersedes the old one in the same transaction).
CREATE TABLE IF NOT EXISTS catalog_supplier_bank_changes (
  id BIGINT NOT NULL AUTO_INCREMENT,
  supplier_id BIGINT NOT NULL,
  bank_name VARCHAR(128) NULL,
  bank_account_name VARCHAR(128) NULL,
  bank_account_number VARCHAR(40) NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'pending',
  pending_slot TINYINT NULL DEFAULT 1,
  requested_by_account_id BIGINT NULL COMMENT 'NULL: entered before 0208 (see 0209)',
  requested_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  decided_by_account_id BIGINT NULL,
  decided_at DATETIME(6) NULL,
  decision_reason VARCHAR(500) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_supplier_bank_changes_pending (supplier_id, pending_slot),
  KEY ix_catalog_supplier_bank_changes_supplier (supplier_id, id),
  KEY ix_catalog_supplier_bank_changes_status (status, id),
  CONSTRAINT ck_catalog_supplier_bank_changes_status
    CHECK (status IN ('pending', 'confirmed', 'rejected', 'superseded')),
  CONSTRAINT ck_catalog_supplier_bank_changes_slot
    CHECK ((status = 'pending' AND pending_slot = 1) OR (status <> 'pending' AND pending_slot IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE catalog_suppliers
  ADD COLUMN IF NOT EXISTS bank_account_confirmed_at DATETIME(6) NULL
    COMMENT 'when an operator or finance confirmed bank_* (NULL: not confirmed, not payable)',
  ADD COLUMN IF NOT EXISTS bank_account_confirmed_by_account_id BIGINT NULL;
