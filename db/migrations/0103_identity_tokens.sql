-- identity: refresh tokens and the record of access-token revocations.

-- Refresh tokens are stored as SHA-256 hex of the opaque token, never in clear. Each refresh
-- rotates: the used row gets used_at and a new row joins the same family. Presenting a row that
-- was already used means the token was copied: the whole family is revoked.
CREATE TABLE identity_refresh_tokens (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  family_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  account_id BIGINT UNSIGNED NOT NULL,
  access_token_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,  -- issued with it
  access_expires_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  used_at DATETIME(6) NULL,
  revoked_at DATETIME(6) NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_identity_refresh_tokens_hash (token_hash),
  KEY ix_identity_refresh_tokens_family (family_id),
  KEY ix_identity_refresh_tokens_access (access_token_id),
  KEY ix_identity_refresh_tokens_account (account_id, revoked_at),
  KEY ix_identity_refresh_tokens_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The record of revocations Redis enforces (see services/core/src/auth/tokens.cpp). Written in
-- the transaction that logs out / changes the password, pushed to Redis after commit, and
-- replayed into Redis at identity start-up (Redis may have lost it). Rows whose expires_at has
-- passed no longer matter: every token they cover has expired.
CREATE TABLE identity_token_revocations (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  account_id BIGINT UNSIGNED NOT NULL,
  token_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,  -- one token ...
  issued_up_to_ms BIGINT NULL,   -- ... or every token of the account issued up to this time
  reason VARCHAR(32) CHARACTER SET ascii NOT NULL,  -- logout, password_change, password_reset, refresh_reuse
  expires_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_identity_token_revocations_expires (expires_at),
  KEY ix_identity_token_revocations_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
