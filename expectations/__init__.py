"""Finance consistency checks: SQL over the marts, judged by Great Expectations.

DuckDB computes, per rule, one row per checked instance with the two compared
numbers and the tolerance (``expectations/sql/<check_name>.sql``); GX validates
those rows with one ``Expect…`` subclass per rule (``expectations/rules``);
failures become ``quality.violations`` rows (``violations.py``). The entry point
is ``expectations.checkpoint.run_quality_checks``.
"""
