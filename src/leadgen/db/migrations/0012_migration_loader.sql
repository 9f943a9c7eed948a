-- 0012: the migration loader's COPY path (leadgen_loader, db/bootstrap.sql).
--
-- COPY FROM refuses a table under row level security, so the loader used to COPY into a temp
-- stage and INSERT … SELECT from it: two passes over every row, the larger part of a first
-- load's database time (docs/benchmarks.md, Migrate). For a table the tenant has no rows in
-- yet, the loader now COPYs straight into it as leadgen_loader, which bypasses RLS and may only
-- INSERT, and then counts the tenant's rows back under RLS as leadgen_owner: every copied row
-- must be the tenant's, or the run rolls back (migration/direct_copy.py). It never reads,
-- updates or deletes anything, and no other code path uses it.
GRANT INSERT ON
  owners, batches, companies, company_enrichment_l2, company_tags, contacts,
  contact_enrichment, campaigns, messages, activities, crm_events, crm_event_participants,
  tasks, task_contacts, task_activities, research_assets, audit_log, airtable_records,
  migration_rejects
TO leadgen_loader;
