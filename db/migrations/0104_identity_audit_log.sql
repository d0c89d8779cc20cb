-- identity: the append-only audit log. Rows are only ever inserted (no UPDATE or DELETE in the
-- code; the app user could be limited to INSERT/SELECT on this table). Every privileged action
-- of the identity service is written in the same transaction as the change; other services'
-- privileged actions arrive as audit events through their outbox (source_event_id dedupes).
CREATE TABLE identity_audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  service VARCHAR(32) CHARACTER SET ascii NOT NULL,          -- which service did it
  actor_account_id BIGINT UNSIGNED NULL,                     -- null: the CLI or a system job
  actor_login VARCHAR(64) NOT NULL,                          -- "cli" for huicai-identity-admin
  actor_role VARCHAR(32) CHARACTER SET ascii NOT NULL,       -- the role the action was allowed by
  action VARCHAR(64) CHARACTER SET ascii NOT NULL,           -- e.g. account.created, role.granted
  target_type VARCHAR(32) CHARACTER SET ascii NOT NULL,      -- e.g. account, org_unit
  target_id VARCHAR(64) NOT NULL,
  target_ids JSON NULL,                                      -- further ids involved, if any
  before_summary JSON NULL,
  after_summary JSON NULL,
  request_id VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '',
  source_event_id CHAR(36) CHARACTER SET ascii NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_identity_audit_log_event (source_event_id),
  KEY ix_identity_audit_log_at (at, id),
  KEY ix_identity_audit_log_actor (actor_account_id, id),
  KEY ix_identity_audit_log_target (target_type, target_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
