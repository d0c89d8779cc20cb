-- THE CONTRACT WITH ORDERING: read-only views of the org tree and of accounts, which ordering
-- reads inside its own transactions to learn a unit's path and an account's unit from the
-- server instead of the request. Ordering never writes identity tables. Do not change the
-- columns of these views: add a new view.
--   identity_org_unit_directory: one row per org unit; `path` is the materialized list of ids
--     from the root ("/1/2/6/"), so "is X in Y's subtree" is a prefix test.
--   identity_account_directory: one row per account with its home unit (NULL for accounts
--     without one), status, who created it and when, and its roles (comma-separated, sorted).
CREATE OR REPLACE SQL SECURITY INVOKER VIEW identity_org_unit_directory AS
SELECT
  u.id AS unit_id,
  u.parent_id AS parent_unit_id,
  u.path AS unit_path,
  u.depth AS depth,
  u.kind AS kind,
  u.name AS name
FROM identity_org_units u;

CREATE OR REPLACE SQL SECURITY INVOKER VIEW identity_account_directory AS
SELECT
  a.id AS account_id,
  a.unit_id AS unit_id,
  u.path AS unit_path,
  a.status AS status,
  a.created_by_account_id AS created_by_account_id,
  a.created_at AS created_at,
  (SELECT GROUP_CONCAT(r.role ORDER BY r.role SEPARATOR ',')
     FROM identity_account_roles r WHERE r.account_id = a.id) AS roles
FROM identity_accounts a
LEFT JOIN identity_org_units u ON u.id = a.unit_id;
