-- Per-database grants run before migrations (as the connecting admin user); idempotent.
-- PostgreSQL 15 no longer lets PUBLIC create in schema public, so the owner role gets it here.
GRANT USAGE, CREATE ON SCHEMA public TO leadgen_owner;
GRANT USAGE ON SCHEMA public TO leadgen_app, leadgen_admin;
GRANT USAGE ON SCHEMA public TO leadgen_loader;
