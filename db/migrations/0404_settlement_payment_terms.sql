-- Payment terms per supplier class: how many days after acceptance a supplier of the class must
-- be paid by. Finance keeps both tables (audited); a supplier with no class, or a class with no
-- terms, gets HUICAI_PAYMENT_DUE_DAYS (60, the SME payment rule). The due date is fixed when a
-- fulfilment is accepted: changing terms later moves no date already set.
CREATE TABLE IF NOT EXISTS settlement_payment_terms (
  supplier_class VARCHAR(32) CHARACTER SET ascii NOT NULL PRIMARY KEY,  -- e.g. sme, large
  due_days INT NOT NULL,
  updated_by BIGINT NOT NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  CONSTRAINT settlement_payment_terms_days CHECK (due_days BETWEEN 1 AND 3650)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which class finance put a supplier in (a supplier id of catalog's; one class per supplier).
CREATE TABLE IF NOT EXISTS settlement_supplier_classes (
  supplier_id BIGINT NOT NULL PRIMARY KEY,
  supplier_class VARCHAR(32) CHARACTER SET ascii NOT NULL,
  updated_by BIGINT NOT NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ix_settlement_supplier_classes_class (supplier_class)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
