-- Catalog: supplier self-application. A cooperative applies itself without an account (a public,
-- rate-limited route): the application is a supplier row in status 'applied' (0202's onboarding
-- from there on: the county officer recommends, the operator approves) plus this row, which
-- holds the SHA-256 of the account set-up secret shown to the applicant once. On approval
-- catalog emits catalog.supplier_application_approved.v1 with the hash; identity creates the
-- first staff account and the applicant sets its password with the secret (ADR 0022). The
-- licence number is catalog_suppliers.credit_code (unique: a registered licence cannot apply).
CREATE TABLE IF NOT EXISTS catalog_supplier_applications (
  supplier_id BIGINT NOT NULL,
  setup_secret_hash CHAR(64) CHARACTER SET ascii NOT NULL,
  source_address VARCHAR(64) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (supplier_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
