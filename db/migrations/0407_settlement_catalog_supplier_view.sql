-- Read-only view of catalog's suppliers for settlement (and any service that names or checks a
-- supplier): settlement refuses a payment class for a supplier catalog does not know (404).
-- Only catalog writes catalog_suppliers. Do not change the columns of this view: add a new view.
CREATE OR REPLACE SQL SECURITY INVOKER VIEW catalog_supplier_directory AS
SELECT s.id AS supplier_id,
       s.name,
       s.county_id,
       s.status
FROM catalog_suppliers s;
