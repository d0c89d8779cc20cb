-- Identity: the first staff account of a supplier that applied itself (catalog 0221). Written by
-- identity's consumer of catalog.supplier_application_approved.v1 in the same transaction as
-- the account (exactly once: identity_processed_events). The account has no usable password
-- until the applicant presents the set-up secret whose SHA-256 this row holds (POST
-- /v1/account-setup); then status becomes 'claimed' (compare-and-set) and the secret is spent.
CREATE TABLE IF NOT EXISTS identity_account_setups (
  supplier_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  setup_secret_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'pending',
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  claimed_at DATETIME(6) NULL,
  PRIMARY KEY (supplier_id),
  UNIQUE KEY uq_identity_account_setups_account (account_id),
  CONSTRAINT ck_identity_account_setups_status CHECK (status IN ('pending', 'claimed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
