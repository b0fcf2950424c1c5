"""Shared fixtures: the real pipeline, run once per session into a temporary folder."""

from __future__ import annotations

import shutil

import pytest
from pipeline_helpers import SAMPLES, PipelineRun, run_pipeline


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> PipelineRun:
    """The whole pipeline on the committed sample reports, once per test session."""
    tmp = tmp_path_factory.mktemp("sample_run")
    raw_dir = tmp / "raw"
    shutil.copytree(SAMPLES, raw_dir)
    run = run_pipeline(tmp, raw_dir)
    assert run.result.returncode == 0, run.result.stderr[-5000:]
    return run
