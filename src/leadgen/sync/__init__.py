"""`leadgen sync`: the parallel run that keeps a tenant in step with its Airtable base.

cycle.py runs one cycle (read what changed, diff, apply), reader.py is what a cycle reads from
Airtable, changes.py which records changed, drift.py the schema drift check, cutover.py the
verdict that lets Airtable be switched off, commands.py the command line.
"""
