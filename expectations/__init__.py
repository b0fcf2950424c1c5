"""Finance consistency checks: SQL over the marts, judged by Great Expectations.

DuckDB computes, per rule, one row per checked instance with the two compared
numbers and the tolerance (``expectations/sql/<check_name>.sql``) and keeps them;
GX validates only the compared columns of those rows with one ``Expect…``
subclass per rule (``expectations/rules``); the failing rows' context is read
back from DuckDB and they become ``quality.violations`` rows (``violations.py``).
The entry point is ``expectations.checkpoint.run_quality_checks``.
"""
