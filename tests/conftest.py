"""Shared fixtures: the real pipeline, run once per session into a temporary folder.

A pipeline run costs a minute or more of CPU (parse → dbt → GX → report), so every test that
only reads a run's results shares one run per input folder. Tests that change a folder or a
warehouse make their own copy or their own run. Under pytest-xdist (make test: -n 2) the
workers share these runs too (pipeline_helpers.shared_run).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from monitoring_fixtures import XLS as MONITORING_XLS
from monitoring_fixtures import write_monitoring_xlsx
from office_fixtures import write_docx, write_xlsx
from pipeline_helpers import OFFICE_SAMPLE, SAMPLES, PipelineRun, run_pipeline, shared_folder, shared_run

# The order the modules are handed out in (make test: -n 2 --dist loadfile --no-loadscope-reorder,
# xdist gives each worker the next module when it is nearly done): first one module that makes each
# shared run, so the two workers make them side by side and no module waits on the other's lock;
# then the longest modules (each some pipeline runs or dbt builds of its own), so the short ones fill
# in at the end and both workers finish together. Modules not named keep their collection order.
FIRST = (  # by the setup and call seconds of a loaded `--durations` run, longest first
    "test_review_decisions.py",  # makes sample_run, then one run of its own
    "test_real_findings.py",  # makes real_documents_run
    "test_concurrent_runs.py",
    "test_robustness.py",
    "test_hostile_resources.py",
    "test_hostile_files.py",
    "expectations/test_rules.py",
    "test_incremental.py",
    "test_large_file.py",
    "dbt/test_dbt_build.py",
    "expectations/test_root_causes.py",
    "reporting/test_report_scale.py",
    "test_run.py",
    "expectations/test_cross_documents.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    rank = {(tests / name): i for i, name in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.path, len(FIRST)))  # stable: the others keep their order


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> PipelineRun:
    """The whole pipeline on the committed sample reports, once per test session."""

    def build(tmp: Path) -> PipelineRun:
        shutil.copytree(SAMPLES, tmp / "raw")
        return run_pipeline(tmp, tmp / "raw")

    run = shared_run(tmp_path_factory, "sample_run", build)
    assert run.result.returncode == 0, run.result.stderr[-5000:]
    return run


@pytest.fixture(scope="session")
def real_documents_run(tmp_path_factory) -> PipelineRun:
    """The whole pipeline once over every real document and the text samples.

    The raw folder: the published documents of ../shared/real and ../shared/real_templates
    (PDF, Excel, Word), raw/'s text samples, office/ with one sample rendered as DOCX and XLSX,
    and monitoring/ with the central 执行监控表 fixtures (.xls, .xlsx). It serves test_real_findings, test_documents_pipeline and test_templates_pipeline,
    whose assertions name the files they are about.
    """
    run = shared_run(tmp_path_factory, "real_documents", build_real_documents_run)
    assert run.result.returncode == 0, run.result.stderr[-5000:]
    return run


def build_real_documents_run(tmp: Path) -> PipelineRun:
    raw = tmp / "raw"
    raw.mkdir()
    for folder in ("real", "real_templates"):
        for document in sorted(shared_folder(folder).iterdir()) if shared_folder(folder) else ():
            if document.suffix.lower() in (".pdf", ".xlsx", ".docx"):
                shutil.copy(document, raw / document.name)
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, raw / sample.name)
    text = (SAMPLES / f"{OFFICE_SAMPLE}.txt").read_text(encoding="utf-8")
    (raw / "office").mkdir()
    write_docx(text, raw / "office" / f"{OFFICE_SAMPLE}.docx")
    write_xlsx(text, raw / "office" / f"{OFFICE_SAMPLE}.xlsx")
    (raw / "monitoring").mkdir()
    shutil.copy(MONITORING_XLS, raw / "monitoring" / MONITORING_XLS.name)
    write_monitoring_xlsx(raw / "monitoring" / "monitoring_central.xlsx")
    return run_pipeline(tmp, raw)

