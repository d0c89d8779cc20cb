-- identity: who created an account (null: the CLI, the demo loader, or created before this
-- column existed). Ordering reads it through identity_account_directory to stop an approver
-- approving orders of accounts it created recently (four eyes).
ALTER TABLE identity_accounts
  ADD COLUMN IF NOT EXISTS created_by_account_id BIGINT UNSIGNED NULL AFTER unit_id;
