#!/bin/sh
# Run by the postgres image once, when its volume is empty (docker-entrypoint-initdb.d):
# the app's own role, which owns the app's database and is no superuser. The superuser's
# password (POSTGRES_PASSWORD) stays in the postgres container; the app containers get
# only this role's password, in DATABASE_URL (.envs/.django).
set -eu
: "${VIDEOAWARDS_DB_NAME:?set VIDEOAWARDS_DB_NAME in .envs/.postgres}"
: "${VIDEOAWARDS_DB_USER:?set VIDEOAWARDS_DB_USER in .envs/.postgres}"
: "${VIDEOAWARDS_DB_PASSWORD:?set VIDEOAWARDS_DB_PASSWORD in .envs/.postgres}"
psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v app_db="$VIDEOAWARDS_DB_NAME" \
    -v app_user="$VIDEOAWARDS_DB_USER" \
    -v app_password="$VIDEOAWARDS_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
\connect :"app_db"
-- PostgreSQL 15+ gives PUBLIC no CREATE on the public schema; the app's role gets it.
ALTER SCHEMA public OWNER TO :"app_user";
SQL
