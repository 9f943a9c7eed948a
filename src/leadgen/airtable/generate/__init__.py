"""Synthetic Airtable bases in the customer's schema, for tests, benchmarks and the demo.

    generate_base(companies, seed) -> GeneratedBase      in memory (schema + records per table)
    write_generated(out, base | companies=, seed=)       as a snapshot directory

Module map: `builders/` (`core`, `people`, `events`) fill rows per table by field name from
the word lists and text values in `words/`; `links` makes links two-way, `computed` +
`formulas` fill computed fields, `messy` holds the deliberate mess and its rates, `writer`
writes the snapshot, `cli` is the command.
"""

from leadgen.airtable.generate.base import DEFAULT_BASE_ID, GeneratedBase, generate_base
from leadgen.airtable.generate.writer import write_generated

__all__ = ["DEFAULT_BASE_ID", "GeneratedBase", "generate_base", "write_generated"]
