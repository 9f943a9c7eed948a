-- name: applied_versions
SELECT version FROM schema_migrations;
