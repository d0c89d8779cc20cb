-- Budgets granted to a child unit come out of its parent's budget of the same year: the parent's
-- row counts what it handed down (delegated_fen), and available_fen = granted - delegated -
-- held - spent (+ refunds). A parent cannot hand down more than it has available.
ALTER TABLE ordering_unit_budgets
  ADD COLUMN IF NOT EXISTS delegated_fen BIGINT NOT NULL DEFAULT 0 AFTER granted_fen;
ALTER TABLE ordering_unit_budgets
  ADD CONSTRAINT IF NOT EXISTS ordering_budget_delegated_not_negative CHECK (delegated_fen >= 0);
