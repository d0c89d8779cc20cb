-- identity: the transactional outbox (huicai/core/events/outbox.hpp). Rows are written in the
-- transaction of the change (account created, role granted, ...) and published to the
-- "identity" stream by the relay (services/core/src/events/relay.cpp), which claims them with
-- SELECT ... FOR UPDATE SKIP LOCKED and a lease (claimed_by / claimed_until).
CREATE TABLE IF NOT EXISTS identity_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT,
  event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  stream VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_type VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  payload LONGBLOB NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  occurred_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  claimed_by VARCHAR(128) NULL,
  claimed_until DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_identity_outbox_event (event_id),
  KEY ix_identity_outbox_unpublished (published_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
