-- The aid totals' transactional outbox (columns as core/events/outbox.cpp and relay.cpp use
-- them): audit entries of reserved-share filings are written here in the same transaction as
-- the filing; the relay claims rows (FOR UPDATE SKIP LOCKED, claimed_by/claimed_until), XADDs
-- them to "huicai:{aidstats}:events" (identity's audit consumer reads that stream) and marks
-- them published. Times are UTC.
CREATE TABLE IF NOT EXISTS aidstats_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id CHAR(36) CHARACTER SET ascii NOT NULL,
  stream VARCHAR(64) CHARACTER SET ascii NOT NULL,
  event_type VARCHAR(128) CHARACTER SET ascii NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL DEFAULT '',
  payload LONGBLOB NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  occurred_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  claimed_by VARCHAR(128) CHARACTER SET ascii NULL,
  claimed_until DATETIME(6) NULL,
  UNIQUE KEY uq_aidstats_outbox_event (event_id),
  KEY ix_aidstats_outbox_unpublished (published_at, id),
  KEY ix_aidstats_outbox_aggregate (aggregate_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
