"""The Great Expectations context: ephemeral, code-first, one pandas data source.

A GX SQL data source on a DuckDB file fails every metric here (``list index out of range``), so
each rule's check rows (``quality.chk_<check_name>``, built by dbt) are read from DuckDB as they
are, DECIMAL columns as exact Arrow decimals, and handed to GX as a pandas DataFrame at run time
(batch parameter ``dataframe``), one data asset per rule.
"""

from __future__ import annotations

from pathlib import Path

import great_expectations as gx
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

DATASOURCE_NAME = "fiscal_quality"
BATCH_DEFINITION_NAME = "all_check_rows"
DATA_DOCS_SITE_NAME = "fiscal_quality_docs"


def data_docs_site_config(directory: Path) -> dict:
    """A file-based Data Docs site writing static HTML into ``directory``."""
    return {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def build_context(data_docs_dir: Path | None = None) -> AbstractDataContext:
    """An ephemeral context (nothing written to disk except the Data Docs, if asked)."""
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={DATA_DOCS_SITE_NAME: data_docs_site_config(data_docs_dir)} if data_docs_dir else {},
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    # GX "saves" an ephemeral context's project config after each data asset, batch definition and
    # data source added: a YAML dump of the whole config into a store nothing reads back (27 dumps,
    # each longer than the last: ~0.08 CPU s a run). The config itself is kept as GX keeps it.
    context._save_project_config = _not_saved
    return context


def _not_saved() -> None:
    """An ephemeral context's project config lives in the context only (GX's docstring: "not saved")."""


def check_rows_batch_definition(context: AbstractDataContext, model: str) -> BatchDefinition:
    """The batch definition of one rule's check rows (data asset named after its dbt model)."""
    try:
        source = context.data_sources.get(DATASOURCE_NAME)
    except KeyError:
        source = context.data_sources.add_pandas(DATASOURCE_NAME)
    asset = source.add_dataframe_asset(model)
    return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)
