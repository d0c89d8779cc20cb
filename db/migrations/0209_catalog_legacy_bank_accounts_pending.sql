-- Catalog: bank accounts entered before four eyes (0208) were never confirmed by a second
-- person. They stay where they are (not payable: bank_account_confirmed_at is NULL) and each
-- becomes a pending change, requested by whoever created the supplier, so an operator or
-- finance can confirm it from the queue. Runs again safely: a supplier that already has a
-- change is skipped.
INSERT INTO catalog_supplier_bank_changes
  (supplier_id, bank_name, bank_account_name, bank_account_number, status, pending_slot,
   requested_by_account_id)
SELECT s.id, s.bank_name, s.bank_account_name, s.bank_account_number, 'pending', 1,
       s.created_by_account_id
FROM catalog_suppliers s
WHERE s.bank_account_number IS NOT NULL
  AND s.bank_account_confirmed_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM catalog_supplier_bank_changes c WHERE c.supplier_id = s.id);
