-- Idempotency-Key records of settlement's money-moving POSTs (the payout), scoped to the
-- caller's account, shaped like ordering_idempotency_keys (0302) for the shared
-- http::Idempotency: the claim, the work and the stored response commit together.
CREATE TABLE IF NOT EXISTS settlement_idempotency_keys (
  account_id BIGINT NOT NULL,
  idempotency_key VARCHAR(255) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  status VARCHAR(16) NOT NULL,
  response_status INT NULL,
  response_body MEDIUMTEXT NULL,
  attempt_token CHAR(36) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  lease_until DATETIME(6) NOT NULL,
  PRIMARY KEY (account_id, idempotency_key),
  KEY settlement_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
