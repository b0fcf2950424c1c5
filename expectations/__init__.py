"""Finance consistency checks: dbt computes each rule's check rows, Great Expectations judges them.

Each rule is one entry of ``registry.RULES``: its rows are the dbt model
``quality.chk_<check_name>`` (one row per checked instance, compared values DECIMAL), its verdict
the GX expectations named there (``gx_rules.py``), run per rule by ``checkpoint.run_quality_checks``;
the rows GX finds unexpected become ``quality.violations`` (``violations.py``). Data Docs are
made to work offline by ``data_docs.py``. GX itself is imported only when a rule has rows to judge
(``gx_import.py``, ``gx_run.py``).
"""
