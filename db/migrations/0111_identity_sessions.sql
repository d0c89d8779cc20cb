-- identity: one row per sign-in session (a refresh-token family), for GET /v1/me/sessions.
-- Written at sign-in, touched at each refresh, ended by logout, DELETE /v1/me/sessions/{id}, a
-- password change or a second-factor change. The tokens themselves stay in
-- identity_refresh_tokens; this row is what the owner sees.
CREATE TABLE IF NOT EXISTS identity_sessions (
  family_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  account_id BIGINT UNSIGNED NOT NULL,
  source_address VARCHAR(64) CHARACTER SET ascii NOT NULL,  -- client address at sign-in
  user_agent VARCHAR(255) NOT NULL DEFAULT '',
  device_id CHAR(22) CHARACTER SET ascii COLLATE ascii_bin NULL,  -- the device token's id
  second_factor TINYINT(1) NOT NULL DEFAULT 0,              -- signed in with a code
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  last_used_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  expires_at DATETIME(6) NOT NULL,                          -- of its newest refresh token
  ended_at DATETIME(6) NULL,
  PRIMARY KEY (family_id),
  KEY ix_identity_sessions_account (account_id, ended_at, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
