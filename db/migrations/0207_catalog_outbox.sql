-- Catalog events: the transactional outbox (written in the same transaction as the change,
-- published to the "catalog" stream by the relay) and the processed-events table for what the
-- catalog consumes. Columns as core/events expects (services/core/src/events/outbox.cpp, relay.cpp, consumer.cpp).
CREATE TABLE catalog_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT,
  event_id CHAR(36) CHARACTER SET ascii NOT NULL,
  stream VARCHAR(64) CHARACTER SET ascii NOT NULL,
  event_type VARCHAR(128) CHARACTER SET ascii NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  payload MEDIUMBLOB NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  occurred_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  claimed_by VARCHAR(128) CHARACTER SET ascii NULL,
  claimed_until DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_catalog_outbox_event (event_id),
  KEY ix_catalog_outbox_unpublished (published_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE catalog_processed_events (
  consumer_group VARCHAR(64) CHARACTER SET ascii NOT NULL,
  event_id CHAR(36) CHARACTER SET ascii NOT NULL,
  processed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
