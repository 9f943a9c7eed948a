"""Row builders, one module per group of tables, each filling rows by field name: ``core``
(Owners, Campaigns, Companies), ``people`` (Contacts and their Messages), ``events`` (Activity,
CRM Events, Tasks, research_directory, audit_log)."""
