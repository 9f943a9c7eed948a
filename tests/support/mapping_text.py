"""The customer mapping file as shipped, for tests that load variants of it.

Read where `load_mapping` reads it (the package resource `leadgen.migrate.mappings` /
`DEFAULT_PATH`), so the tests hold no copy of its path.
"""

from __future__ import annotations

from importlib import resources

from leadgen.migrate.mapping import DEFAULT_PATH

DEFAULT_MAPPING = (resources.files("leadgen.migrate.mappings").joinpath(DEFAULT_PATH)
                   .read_text("utf-8"))
