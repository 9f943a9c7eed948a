"""Everything that speaks Airtable: snapshots, formulas, the emulator, export and generation."""
