"""Formula text → AST: ``lexer`` (tokens), ``parser`` (recursive descent, FormulaError on bad
text), ``ast`` (the node set every later stage walks) and ``catalog`` (function names and arity).

Import the module you need (``leadgen.airtable.formula.syntax.parser``); the formula package's
own ``__init__`` re-exports the public names.
"""
