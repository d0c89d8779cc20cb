-- THE CONTRACT WITH SETTLEMENT: the account a supplier is paid to. A read-only view settlement
-- (or any payout job) reads by supplier_id; only accounts an operator or finance confirmed
-- (four eyes, 0208) appear, so a supplier without a row here is not payable. Do not change its
-- columns: add a new view.
--   bank_*: the confirmed account, exactly as confirmed (the full number: restrict who may
--   SELECT this view to the payout job's database user).
--   confirmed_at / confirmed_by_account_id: when and by whom it was confirmed.
--   supplier_status: payouts to suspended suppliers are the payout job's decision.
CREATE SQL SECURITY INVOKER VIEW catalog_supplier_payout_account AS
SELECT
  s.id AS supplier_id,
  s.name AS supplier_name,
  s.county_id AS county_id,
  s.status AS supplier_status,
  s.bank_name AS bank_name,
  s.bank_account_name AS bank_account_name,
  s.bank_account_number AS bank_account_number,
  s.bank_account_confirmed_at AS confirmed_at,
  s.bank_account_confirmed_by_account_id AS confirmed_by_account_id
FROM catalog_suppliers s
WHERE s.bank_account_number IS NOT NULL
  AND s.bank_account_confirmed_at IS NOT NULL;
