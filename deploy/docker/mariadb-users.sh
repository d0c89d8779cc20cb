#!/bin/bash
# Run once by the MariaDB image on an empty data directory: the two users of
# deploy/stack.sh's provision_mysql, passwords from the container's environment.
set -euo pipefail
mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" <<SQL
CREATE USER IF NOT EXISTS 'huicai'@'%' IDENTIFIED BY '${HUICAI_MYSQL_PASSWORD}';
CREATE USER IF NOT EXISTS 'huicai_admin'@'%' IDENTIFIED BY '${HUICAI_MYSQL_ADMIN_PASSWORD}';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`huicai\`.* TO 'huicai'@'%';
GRANT ALL PRIVILEGES ON \`huicai\`.* TO 'huicai_admin'@'%';
SQL
