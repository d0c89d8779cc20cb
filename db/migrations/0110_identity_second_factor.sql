-- identity: the second factor (TOTP, RFC 6238) and its one-time recovery codes.
-- The TOTP secret is sealed (libsodium crypto_secretbox, key derived from the token secret with
-- its own label, services/identity/src/mfa_repository.cpp): a database dump alone does not give
-- the codes. last_used_step is the time step (unix time / 30) of the last accepted code; a code
-- of that step or an earlier one is refused, so a code works once.
CREATE TABLE IF NOT EXISTS identity_totp_factors (
  account_id BIGINT UNSIGNED NOT NULL,
  sealed_secret VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,  -- base64url(nonce || secretbox(secret))
  status VARCHAR(16) CHARACTER SET ascii NOT NULL,          -- pending (enrolled, not confirmed), active
  last_used_step BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  confirmed_at DATETIME(6) NULL,
  PRIMARY KEY (account_id),
  CONSTRAINT fk_identity_totp_factors_account FOREIGN KEY (account_id) REFERENCES identity_accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Ten per confirmed factor, shown once; stored as a keyed BLAKE2b hash (pepper derived from the
-- token secret). used_at set once by a conditional UPDATE: a code works once.
CREATE TABLE IF NOT EXISTS identity_recovery_codes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  account_id BIGINT UNSIGNED NOT NULL,
  code_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  used_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_identity_recovery_codes (account_id, code_hash),
  CONSTRAINT fk_identity_recovery_codes_account FOREIGN KEY (account_id) REFERENCES identity_accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
