"""The raw-folder sensor, evaluated for real against a folder on disk."""

from __future__ import annotations

import os

import dagster as dg

from dagster_project.definitions import defs


def evaluate(cursor: str | None):
    sensor = defs.resolve_sensor_def("raw_dir_sensor")
    context = dg.build_sensor_context(cursor=cursor, definitions=defs, instance=dg.DagsterInstance.ephemeral())
    result = sensor.evaluate_tick(context)
    return result, result.cursor


def test_sensor_requests_a_run_on_add_change_and_remove_only(tmp_path, monkeypatch):
    monkeypatch.setenv("FISCAL_RAW_DIR", str(tmp_path))
    (tmp_path / "a.txt").write_text("财政项目支出绩效自评表\n", encoding="utf-8")

    first, cursor = evaluate(None)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].job_name in (None, "fiscal_full_build")

    unchanged, same_cursor = evaluate(cursor)
    assert unchanged.run_requests == [] and same_cursor == cursor

    (tmp_path / "b.txt").write_text("x\n", encoding="utf-8")  # added
    added, cursor2 = evaluate(cursor)
    assert len(added.run_requests) == 1 and cursor2 != cursor

    (tmp_path / "b.txt").write_text("changed, longer\n", encoding="utf-8")  # changed
    os.utime(tmp_path / "b.txt", ns=(1, 1))
    changed, cursor3 = evaluate(cursor2)
    assert len(changed.run_requests) == 1 and cursor3 != cursor2

    (tmp_path / "b.txt").unlink()  # removed: back to the first state, still a new run
    removed, cursor4 = evaluate(cursor3)
    assert len(removed.run_requests) == 1 and cursor4 != cursor
    keys = [r.run_requests[0].run_key for r in (first, added, changed, removed)]
    assert len(set(keys)) == 4


def test_hidden_files_do_not_trigger_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("FISCAL_RAW_DIR", str(tmp_path))
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    _, cursor = evaluate(None)
    (tmp_path / ".a.txt.swp").write_text("editor junk\n", encoding="utf-8")
    again, _ = evaluate(cursor)
    assert again.run_requests == []


def test_missing_raw_folder_starts_no_run(tmp_path, monkeypatch):
    monkeypatch.setenv("FISCAL_RAW_DIR", str(tmp_path / "unmounted"))
    result, cursor = evaluate(None)
    assert result.run_requests == [] and cursor is None
    assert "cannot be read" in result.skip_message
