"""The Definitions load and expose the assets, checks, job, schedule and sensor operators rely on."""

from __future__ import annotations

import dagster as dg

from dagster_project.definitions import defs


def _asset_keys() -> set[tuple[str, ...]]:
    graph = defs.resolve_asset_graph()
    return {tuple(key.path) for key in graph.get_all_asset_keys()}


def test_asset_keys_are_warehouse_addresses():
    keys = _asset_keys()
    for table in ("reports", "fund_rows", "indicators", "budget_cells", "parse_issues", "line_accounting"):
        assert ("raw", table) in keys
    for mart in ("fct_report", "fct_project_fund", "fct_indicator", "fct_budget_line", "dim_unit", "dim_year"):
        assert ("marts", mart) in keys
    assert ("quality", "violations") in keys
    assert ("warehouse", "fiscal_duckdb") in keys


def test_lineage_is_connected_from_raw_to_marts():
    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey(["staging", "stg_fiscal_txt__reports"])).parent_keys
    assert dg.AssetKey(["raw", "reports"]) in upstream
    fct_report_parents = graph.get(dg.AssetKey(["marts", "fct_report"])).parent_keys
    assert any(key.path[0] in ("staging", "intermediate") for key in fct_report_parents)


def test_finance_rules_are_checks_on_the_marts_they_validate():
    graph = defs.resolve_asset_graph()
    check_keys = {(tuple(k.asset_key.path), k.name) for k in graph.asset_check_keys}
    assert (("marts", "fct_project_fund"), "fund_score_mismatch") in check_keys
    assert (("marts", "fct_report"), "weight_sum_mismatch") in check_keys
    assert (("marts", "fct_indicator"), "missing_deviation_reason") in check_keys
    assert (("marts", "fct_budget_line"), "budget_hierarchy_mismatch") in check_keys
    assert (("raw", "line_accounting"), "every_line_accounted") in check_keys


def test_job_schedule_and_sensor():
    assert defs.resolve_job_def("fiscal_full_build") is not None
    schedule = defs.resolve_schedule_def("fiscal_daily")
    assert schedule.cron_schedule == "0 6 * * *"
    sensor = defs.resolve_sensor_def("raw_dir_sensor")
    assert sensor.job_name == "fiscal_full_build"


def test_every_check_has_a_description():
    """The UI shows each check's description; none may say 'No description provided'."""
    graph = defs.resolve_asset_graph()
    missing = [key for key in graph.asset_check_keys if not graph.get_check_spec(key).description]
    assert missing == []
    spec = graph.get_check_spec(
        dg.AssetCheckKey(dg.AssetKey(["marts", "fct_project_fund"]), "execution_rate_mismatch")
    )
    assert spec.description.startswith("执行率计算不符：执行率 = 执行数 ÷ 全年（跟踪期）预算数 × 100")


def test_code_location_is_named_in_pyproject():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["dagster"] == {"module_name": "dagster_project.definitions", "code_location_name": "fiscal"}
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    assert "-m dagster dev\n" in makefile  # no `-m dagster_project.definitions`: the pyproject name is used


def test_mart_columns_show_their_contract_constraints():
    """not_null / accepted_values / unique are contract constraints now, not checks: the column schema shows them."""
    graph = defs.resolve_asset_graph()
    columns = {c.name: c for c in graph.get(dg.AssetKey(["marts", "fct_report"])).metadata["dagster/column_schema"].columns}
    assert columns["report_type"].constraints == dg.TableColumnConstraints(
        nullable=False, other=["check (report_type in ('self_eval', 'tracking', 'target'))"]
    )
    assert columns["project_name"].constraints == dg.TableColumnConstraints(nullable=True, other=[])
    assert columns["report_id"].constraints == dg.TableColumnConstraints(nullable=False, unique=True, other=[])
    check_keys = {(tuple(k.asset_key.path), k.name) for k in graph.asset_check_keys}
    assert (("marts", "fct_report"), "not_null_fct_report_report_type") not in check_keys
    assert (("marts", "fct_report"), "unique_fct_report_report_id") not in check_keys  # a key checked by the model (unique_keys.sql)


# What the UI and the job see of the definitions: every asset and check with its deps, group,
# description, kinds and metadata (object addresses left out), and the job's steps.
_GRAPH_SCRIPT = """
import json, re, sys
if sys.argv[1] == "dbt-core":
    import dagster_dbt  # before the definitions: dagster-dbt with dbt-core's modules
from dagster_project.definitions import defs
graph = defs.resolve_asset_graph()
text = lambda value: re.sub(r" at 0x[0-9a-f]+", "", repr(value))
out = {"dbt_modules": sorted(m for m in sys.modules if m == "dbt" or m.startswith("dbt."))[:3]}
unused = ("dagster_dbt.cloud", "dagster_dbt.components", "requests", "grpc")  # dbt Cloud's, components'
out["unused_modules"] = sorted(m for m in sys.modules if m.startswith(unused))[:3]
for key in graph.get_all_asset_keys():
    node = graph.get(key)
    out[key.to_user_string()] = [sorted(p.to_user_string() for p in node.parent_keys), node.group_name,
        node.description, sorted(node.kinds), text(sorted(node.metadata.items())), node.code_version]
for key in graph.asset_check_keys:
    spec = graph.get_check_spec(key)
    out["check " + key.to_user_string()] = [spec.description, spec.blocking, text(spec.metadata),
        sorted(d.asset_key.to_user_string() for d in spec.additional_deps)]
out["steps"] = sorted(defs.resolve_job_def("fiscal_full_build").graph.node_dict)
import dagster_dbt  # a name of the package itself: its __init__ runs then, the rest imported
out["late_name"] = dagster_dbt.DbtCloudWorkspace.__module__
print(json.dumps(out))
"""


def test_definitions_load_without_dbt_core_modules():
    """dagster-dbt is imported as if dbt-core were not installed and without dbt Cloud's parts
    (dagster_dbt_import.py: ~2.3 CPU s less per run and UI load); the assets, checks and steps are
    the same as with a plain `import dagster_dbt` and dbt-core's modules."""
    import json
    import subprocess
    import sys

    runs = {
        mode: subprocess.Popen([sys.executable, "-W", "ignore", "-c", _GRAPH_SCRIPT, mode], stdout=subprocess.PIPE)
        for mode in ("light", "dbt-core")
    }
    graphs = {mode: json.loads(run.communicate(timeout=300)[0]) for mode, run in runs.items()}
    assert graphs["light"].pop("dbt_modules") == []
    assert graphs["dbt-core"].pop("dbt_modules") != []  # the comparison is with dbt-core's path
    assert graphs["light"].pop("unused_modules") == []
    assert graphs["dbt-core"].pop("unused_modules") != []  # … and with the whole package imported
    assert graphs["light"]["late_name"] == "dagster_dbt.cloud_v2.resources"
    assert len(graphs["light"]) > 150 and graphs["light"] == graphs["dbt-core"]


# dagster-dbt's column lineage over one real model of the project, its parent a real source; sqlglot is
# imported only by the call (dagster_dbt_import.py, 3.).
_LINEAGE_SCRIPT = """
import json, sys, tempfile
from pathlib import Path
from dagster_project.definitions import defs
from dagster_project.assets.dbt import dbt_project
from dagster_project.translator import FiscalDbtTranslator
from dagster_dbt.core.dbt_cli_event import EventHistoryMetadata, _build_column_lineage_metadata
out = {"sqlglot_before": sorted(m for m in sys.modules if m.startswith("sqlglot"))}
manifest = json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))
model = next(n for _, n in sorted(manifest["nodes"].items()) if n["resource_type"] == "model"
             and any(p.startswith("source.") for p in n["depends_on"]["nodes"]))
source = manifest["sources"][next(p for p in model["depends_on"]["nodes"] if p.startswith("source."))]
target = Path(tempfile.mkdtemp())
sql = target / "compiled" / model["package_name"] / model["original_file_path"]
sql.parent.mkdir(parents=True)
sql.write_text(f"select source_file, upper(source_file) as upper_name from {source['relation_name']}")
history = EventHistoryMetadata(
    columns={"source_file": {"data_type": "VARCHAR"}, "upper_name": {"data_type": "VARCHAR"}},
    parents={source["relation_name"]: {"source_file": {"data_type": "VARCHAR"}}},
)
lineage = _build_column_lineage_metadata(history, model, manifest, FiscalDbtTranslator(), target, None)
deps = lineage["dagster/column_lineage"].deps_by_column
out["deps"] = {column: [[d.asset_key.to_user_string(), d.column_name] for d in ds] for column, ds in deps.items()}
out["source_key"] = FiscalDbtTranslator().get_asset_spec(manifest, source["unique_id"], None).key.to_user_string()
out["sqlglot_after"] = "sqlglot.lineage" in sys.modules
print(json.dumps(out))
"""


def test_sqlglot_is_imported_only_when_column_lineage_is_built():
    """dagster-dbt's column lineage (the one use of sqlglot) works with sqlglot imported on its first use."""
    import json
    import subprocess
    import sys

    command = [sys.executable, "-W", "ignore", "-c", _LINEAGE_SCRIPT]
    run = subprocess.run(command, check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["sqlglot_before"] == []
    source = out["source_key"]
    assert source.startswith("raw/")
    assert out["deps"] == {"source_file": [[source, "source_file"]], "upper_name": [[source, "source_file"]]}
    assert out["sqlglot_after"] is True


def test_a_marts_foreign_keys_are_one_check():
    """A mart's relationships are one dbt test (macros/tests/foreign_keys.sql): one check, naming each key."""
    graph = defs.resolve_asset_graph()
    mart = dg.AssetKey(["marts", "fct_indicator"])
    checks = {k.name for k in graph.asset_check_keys if k.asset_key == mart}
    assert "fct_indicator_foreign_keys" in checks
    assert [name for name in checks if name.startswith("relationships")] == []
    spec = graph.get_check_spec(dg.AssetCheckKey(mart, "fct_indicator_foreign_keys"))
    assert spec.description == (
        "dbt test `foreign_keys` (each value has a parent row: report_id → fct_report.report_id; "
        "level1_code → dim_indicator_category.code_en where parent.level = 1; "
        "level2_code → dim_indicator_category.code_en where parent.level = 2); fails the dbt build when violated."
    )
