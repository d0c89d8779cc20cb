-- Grants above HUICAI_GRANT_APPROVAL_ABOVE_FEN wait here for finance's approval (four eyes):
-- approving applies the grant in the same transaction. status: pending, approved, rejected.
-- pending_target is "<source>:<key>:<year>" while pending and NULL once decided, so a budget or
-- allowance has at most one grant waiting.
CREATE TABLE IF NOT EXISTS ordering_grant_requests (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  source VARCHAR(16) NOT NULL,
  target_id BIGINT NOT NULL,
  grant_year INT NOT NULL,
  unit_id BIGINT NOT NULL,
  unit_path VARCHAR(255) NOT NULL,
  granted_fen BIGINT NOT NULL,
  previous_granted_fen BIGINT NOT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'pending',
  pending_target VARCHAR(64) NULL,
  requested_by BIGINT NOT NULL,
  requested_role VARCHAR(32) NOT NULL,
  decided_by BIGINT NULL,
  reason VARCHAR(500) NOT NULL DEFAULT '',
  version BIGINT NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  decided_at DATETIME(6) NULL,
  UNIQUE KEY ordering_grant_requests_pending (pending_target),
  KEY ordering_grant_requests_status (status, id),
  KEY ordering_grant_requests_unit (unit_path, status, id),
  CONSTRAINT ordering_grant_requests_amount CHECK (granted_fen >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
