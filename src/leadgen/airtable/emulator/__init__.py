"""airtable/emulator."""
