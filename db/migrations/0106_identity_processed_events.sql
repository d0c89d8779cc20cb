-- identity: events identity has consumed (huicai/core/events/consumer.hpp), keyed by consumer
-- group and event id, inserted in the transaction of the effect so redelivery changes nothing.
-- Identity consumes audit.recorded.v1 from the other services' streams into
-- identity_audit_log (services/identity/src/audit_consumer.cpp).
CREATE TABLE IF NOT EXISTS identity_processed_events (
  consumer_group VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  processed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
