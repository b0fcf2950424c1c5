"""GX is imported for a quality run with the modules no rule uses standing in until their first use
(expectations/gx_import.py); test_rules.py runs the whole step with it."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

from expectations import gx_import
from expectations.gx_rules import EXPECTATIONS


def test_a_deferred_module_is_imported_on_its_first_use():
    name = "wave"  # a standard module nothing here imports
    sys.modules.pop(name, None)
    with gx_import._deferred((name,)):
        import wave as stand_in  # what GX's `import altair` gets
    assert name not in sys.modules  # nothing imported yet, and later imports get the real module
    assert stand_in.WAVE_FORMAT_PCM == 1  # first use: the real module, imported now
    assert sys.modules[name].Wave_read is stand_in.Wave_read


def test_a_module_already_imported_is_left_as_it_is():
    real = sys.modules["json"]
    with gx_import._deferred(("json",)):
        import json
    assert json is real and sys.modules["json"] is real


def test_only_expectations_no_rule_uses_import_the_deferred_modules():
    """GX's modules importing scipy or altair when they load: the KL-divergence expectation and the
    KS-test metrics, which no registry rule uses (its expectations: gx_rules.EXPECTATIONS)."""
    package = Path(importlib.util.find_spec("great_expectations").origin).parent
    importing = re.compile(r"^(?:from|import) (scipy|altair)\b", re.MULTILINE)
    found = {
        path.relative_to(package).as_posix(): set(importing.findall(path.read_text(encoding="utf-8")))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and importing.search(path.read_text(encoding="utf-8"))
    }
    assert found == {
        "expectations/core/expect_column_kl_divergence_to_be_less_than.py": {"scipy", "altair"},
        "expectations/metrics/column_aggregate_metrics/column_bootstrapped_ks_test_p_value.py": {"scipy"},
        "expectations/metrics/column_aggregate_metrics/column_parameterized_distribution_ks_test_p_value.py": {"scipy"},
    }
    used = {cls.__mro__[1].__name__ for cls in EXPECTATIONS.values()} | {c.__name__ for c in EXPECTATIONS.values()}
    assert not any("KlDivergence" in name or "KsTest" in name for name in used)
    assert gx_import.DEFERRED == ("scipy.stats", "altair")


FROZEN_PROBE = """
import gc, sys
from expectations import gx_import

held = [[] for _ in range(1000)]  # objects alive before the import (the run's definitions)
gx_run = gx_import.load()
frozen = gc.get_freeze_count()
gx_import.load()  # GX imported already: nothing more frozen
cycle = []
cycle.append(cycle)
del cycle  # garbage made after the import is still collected
found = gc.collect()
tracked = {id(o) for o in gc.get_objects()}
print(frozen, gc.get_freeze_count(), found, any(id(o) in tracked for o in held), id(gx_run.GxRun) in tracked)
"""


def test_the_first_load_freezes_the_objects_alive_before_and_after_the_import():
    """(in a process of its own: the test's is not frozen)"""
    done = subprocess.run(
        [sys.executable, "-c", FROZEN_PROBE],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    frozen, frozen_again, collected, held_tracked, gx_tracked = done.stdout.split()
    assert int(frozen) > 100_000  # GX's modules and classes, and what the process held
    assert frozen_again == frozen
    assert int(collected) >= 1
    assert (held_tracked, gx_tracked) == ("False", "False")  # no full collection scans them any more
