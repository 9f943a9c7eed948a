"""AST → value for one record, with Airtable's semantics, in Python.

``values`` (the value model and coercions), ``cells`` (how an API cell appears in a formula),
``compare``/``operators`` (comparison and arithmetic), ``dates``/``moment`` (date maths and
moment.js formats), ``context`` (what a function sees), ``fn_*`` (functions by family) and
``evaluator`` (the tree walk, ``compile_filter``). The formula package's ``__init__``
re-exports the public names; this one imports nothing, so reading ``values`` does not load the
whole evaluator.
"""
