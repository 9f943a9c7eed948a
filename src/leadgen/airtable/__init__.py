"""Everything that speaks Airtable: snapshots, the formula language, the emulator, export, generation."""
