"""dbt → Dagster: asset keys are warehouse addresses [schema, model], groups are layers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt.dagster_dbt_translator import DagsterDbtTranslator, DagsterDbtTranslatorSettings


class FiscalDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)  # meta.dagster.asset_key → ["raw", table]
        schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props.get("schema")
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project) -> dg.AssetCheckSpec | None:
        """dbt tests as checks, each with a description (the UI otherwise says 'No description provided')."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=test_description(manifest["nodes"][unique_id]))

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        """The column schema with each column's contract constraints (not null, check), which DuckDB
        enforces: they replaced the not_null / accepted_values tests, so the UI shows them here."""
        metadata = dict(super().get_metadata(dbt_resource_props))
        schema = metadata.get("dagster/column_schema")
        if schema is None or not (dbt_resource_props.get("config", {}).get("contract") or {}).get("enforced"):
            return metadata
        columns = dbt_resource_props.get("columns", {})
        # a one-column key checked after each insert (dbt/macros/unique_keys.sql) is unique too
        meta = dbt_resource_props.get("config", {}).get("meta") or {}
        keys = {key[0] for key in meta.get("unique_keys", []) if len(key) == 1}
        metadata["dagster/column_schema"] = dg.TableSchema(
            columns=[
                dg.TableColumn(
                    c.name, c.type, c.description, column_constraints(columns[c.name], c.name in keys), c.tags
                )
                for c in schema.columns
            ]
        )
        return metadata

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        # fqn = [project, folder, ...]: the first folder under models/ is the layer.
        return fqn[1] if len(fqn) > 2 else "marts"


def test_description(test: Mapping[str, Any]) -> str:
    """A dbt test in words: its yml description, else its kind, column and arguments."""
    if test.get("description"):
        return test["description"]
    meta = test.get("test_metadata") or {}
    kwargs = {k: v for k, v in (meta.get("kwargs") or {}).items() if k not in ("model", "column_name")}
    column = test.get("column_name")
    what = f"dbt test `{meta.get('name') or test['name']}`" + (f" on column `{column}`" if column else "")
    args = ", ".join(_foreign_keys(v) if k == "keys" else f"{k}={v}" for k, v in kwargs.items())
    outcome = "warns" if (test.get("config") or {}).get("severity", "").lower() == "warn" else "fails the dbt build"
    return what + (f" ({args})" if args else "") + f"; {outcome} when violated."


def _foreign_keys(keys: list[Mapping[str, Any]]) -> str:
    """A foreign_keys test's keys in words: `column → parent.field` each, with the parent rows' condition."""

    def key(k: Mapping[str, Any]) -> str:
        parent = re.sub(r"^ref\('([^']+)'\)$", r"\1", k["to"])
        where = f" where {k['to_condition']}" if k.get("to_condition") else ""
        return f"{k['column']} → {parent}.{k['field']}{where}"

    return "each value has a parent row: " + "; ".join(key(k) for k in keys)


def column_constraints(column: Mapping[str, Any], key: bool = False) -> dg.TableColumnConstraints:
    """A dbt column's constraints as Dagster's: not null, unique (a one-column key, or `key`: one the
    model checks itself), and each check's expression."""
    constraints = column.get("constraints") or []
    return dg.TableColumnConstraints(
        nullable=not any(c["type"] == "not_null" for c in constraints),
        unique=key or any(c["type"] in ("primary_key", "unique") for c in constraints),
        other=[f"check ({c['expression']})" for c in constraints if c["type"] == "check"],
    )
