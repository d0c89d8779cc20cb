-- core: tables used only by the event-spine integration tests (tests/integration/events,
-- tests/integration/restarts). They follow the shape every service copies for its own outbox
-- and processed-events tables (services/core/src/events/README.md); the "core_selftest"
-- producer/consumer exists only in tests. No service reads or writes them.
CREATE TABLE IF NOT EXISTS core_selftest_outbox (
  id BIGINT NOT NULL AUTO_INCREMENT,
  event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  stream VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_type VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  payload LONGBLOB NOT NULL,
  request_id VARCHAR(64) NOT NULL DEFAULT '',
  occurred_at DATETIME(6) NOT NULL,
  published_at DATETIME(6) NULL,
  claimed_by VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
  claimed_until DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_core_selftest_outbox_event (event_id),
  KEY ix_core_selftest_outbox_unpublished (published_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS core_selftest_processed_events (
  consumer_group VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  processed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The "effect" a test consumer applies per event. Deliberately NOT unique on event_id: a
-- duplicate delivery that slipped past the processed-events check must show up as a second
-- row (the tests count rows against distinct event ids), not be hidden by a key violation.
CREATE TABLE IF NOT EXISTS core_selftest_effects (
  id BIGINT NOT NULL AUTO_INCREMENT,
  consumer_group VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  amount_fen BIGINT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_core_selftest_effects_aggregate (aggregate_id, event_id),
  KEY ix_core_selftest_effects_event (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
