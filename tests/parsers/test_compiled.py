"""The mypyc experiment's module list (parsers/build.py) and its plain-Python fallback."""

from pathlib import Path

from dagster_project.parsers import build, compiled, text


def test_compiled_modules_are_the_parsers_but_the_readers_and_decorators():
    parsers = Path(build.__file__).parent
    modules = {str(p) for p in build.compiled_modules(parsers)}
    assert "dagster_project/parsers/text.py" in modules
    assert "dagster_project/parsers/report_table/reader.py" in modules
    assert "dagster_project/parsers/budget/tables.py" in modules
    assert not {m for m in modules if "/readers/" in m or m.endswith(("frozen.py", "compiled.py", "records.py", "build.py"))}


def test_the_mypyc_mark_changes_nothing_in_plain_python():
    class Plain:
        pass

    assert compiled.mypyc_attr(native_class=False)(Plain) is Plain
    line = text.Line(3, "a\tb", ("a", "b"), False)
    assert (line.no, line.keys, line.spans) == (3, ("a", "b"), None)
