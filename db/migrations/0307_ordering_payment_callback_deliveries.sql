-- The sandbox channel's outgoing callbacks, written in the same transaction as the confirm of
-- the intent (what a real provider keeps on its side): a crash after confirm cannot lose one.
-- Delivery workers claim due rows with SELECT ... FOR UPDATE SKIP LOCKED plus a lease
-- (claimed_by / claimed_until, as the outbox relay does), POST the signed body to target_url,
-- and mark the row delivered on a 2xx answer; otherwise they retry after backoff_ms doubling
-- per attempt (at most backoff_max_ms) until max_attempts, then mark it failed.
-- status: pending, delivered, failed. The retry policy and target are fixed at confirm, so
-- every instance delivers a callback the same way.
CREATE TABLE IF NOT EXISTS ordering_callback_deliveries (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  channel VARCHAR(16) NOT NULL,
  channel_event_id VARCHAR(128) NOT NULL,
  intent_id VARCHAR(64) NOT NULL,
  target_url VARCHAR(512) NOT NULL,
  body TEXT NOT NULL,
  signature VARCHAR(128) NOT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'pending',
  attempts INT NOT NULL DEFAULT 0,
  max_attempts INT NOT NULL,
  backoff_ms BIGINT NOT NULL,
  backoff_max_ms BIGINT NOT NULL,
  next_attempt_at DATETIME(6) NOT NULL,                                   -- UTC
  last_error VARCHAR(512) NULL,
  claimed_by VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,     -- worker lease
  claimed_until DATETIME(6) NULL,                                         -- worker lease, UTC
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  delivered_at DATETIME(6) NULL,
  UNIQUE KEY ordering_callback_deliveries_event (channel, channel_event_id),
  KEY ordering_callback_deliveries_due (status, next_attempt_at, id),
  CONSTRAINT ordering_callback_deliveries_attempts CHECK (max_attempts >= 1 AND attempts >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
