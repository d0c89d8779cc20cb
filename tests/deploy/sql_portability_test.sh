#!/usr/bin/env bash
# db/ uses nothing TiDB, Vitess or Galera lack (tests/tools/scan_sql_portability.py); and the
# scan does catch each construct: a planted file per rule must be reported, while the same words
# inside comments and strings must not be.
set -euo pipefail
checkout=$(cd "$(dirname "$0")/../.." && pwd)
scanner=$checkout/tests/tools/scan_sql_portability.py
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

declare -A planted=(
  [trigger]="CREATE TRIGGER t_stock BEFORE UPDATE ON ordering_stock FOR EACH ROW SET NEW.quantity = NEW.quantity;"
  [procedure]="CREATE DEFINER=\`root\`@\`%\` PROCEDURE settle() BEGIN SELECT 1; END;"
  [function]="CREATE FUNCTION fen(y INT) RETURNS BIGINT DETERMINISTIC RETURN y * 100;"
  [call]="CALL settle();"
  [event]="CREATE EVENT expire_orders ON SCHEDULE EVERY 1 MINUTE DO DELETE FROM ordering_orders;"
  [cascade]="CREATE TABLE t (id BIGINT PRIMARY KEY, p BIGINT, FOREIGN KEY (p) REFERENCES u (id) ON DELETE CASCADE);"
  [set_null]="ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES u (id) ON UPDATE SET NULL;"
  [last_insert_id]="INSERT INTO t (p) VALUES (1); UPDATE u SET latest = LAST_INSERT_ID();"
  [order_by_id]="CREATE VIEW latest_order AS SELECT * FROM ordering_orders o ORDER BY o.id DESC LIMIT 1;"
  [max_id]="SELECT * FROM ordering_orders WHERE id = (SELECT MAX(id) FROM ordering_orders);"
)
for name in "${!planted[@]}"; do
  mkdir -p "$scratch/$name"
  printf -- '-- planted\n%s\n' "${planted[$name]}" >"$scratch/$name/0999_test_planted.sql"
  if python3 "$scanner" "$scratch/$name" >"$scratch/$name.out" 2>&1; then
    echo "FAIL: the scan missed a planted $name: ${planted[$name]}" >&2
    exit 1
  fi
  grep -q '0999_test_planted.sql:2:' "$scratch/$name.out" || {
    echo "FAIL: planted $name reported on the wrong line: $(cat "$scratch/$name.out")" >&2
    exit 1
  }
done

mkdir -p "$scratch/words"
cat >"$scratch/words/0998_test_words.sql" <<'SQL'
-- No triggers: CREATE TRIGGER, ON DELETE CASCADE and ORDER BY id appear only in this comment.
# CREATE PROCEDURE in a hash comment
/* CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO CALL p(); LAST_INSERT_ID() */
CREATE TABLE t (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  note VARCHAR(200) NOT NULL DEFAULT 'ON DELETE CASCADE, ORDER BY id',
  created_at DATETIME(6) NOT NULL
);
SELECT id FROM t ORDER BY created_at, id;
SQL
if ! python3 "$scanner" "$scratch/words" >"$scratch/words.out" 2>&1; then
  echo "FAIL: the scan reported words inside comments or strings:" >&2
  cat "$scratch/words.out" >&2
  exit 1
fi

python3 "$scanner" "$checkout/db"
echo "sql portability: db/ is clean; ${#planted[@]} planted constructs caught"
