#!/bin/sh
# Runs once, when the PostgreSQL container initialises an empty data directory: the services log
# in as traffic_manager, a role that owns its database (so Flyway can migrate it) and nothing
# else. It is no superuser, so a leaked service password cannot read other databases, create
# roles, or run programs on the server through COPY ... TO PROGRAM.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=service_password="$TM_DB_PASSWORD" <<'SQL'
CREATE ROLE traffic_manager LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'service_password';
CREATE DATABASE traffic_manager OWNER traffic_manager;
REVOKE ALL ON DATABASE traffic_manager FROM PUBLIC;
SQL
