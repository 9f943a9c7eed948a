"""Platform administration: tenants, users and API keys (used by the CLI and the API)."""
