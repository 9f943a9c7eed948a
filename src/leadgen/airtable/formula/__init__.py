"""airtable/formula."""
