"""The parsers compiled by mypyc, in a scratch copy: an experiment, never next to the sources.

    python -m dagster_project.parsers.build /tmp/mypyc      # needs mypy (mypyc) and a C compiler
    cd /tmp && PYTHONPATH=/tmp/mypyc:$OLDPWD $OLDPWD/.venv/bin/python -m bench.parse --dir …

Copies the ``dagster_project`` package into the folder given and compiles the parser modules
there (``COMPILED``), so that the compiled modules are imported only by a process that puts the
folder first on its path (``python -m`` puts the working directory first: run it from elsewhere;
bench.parse prints which parsers it imported): a stale extension can never shadow the sources. The plain-Python
parsers stay the reference (README "Scale and speed": what this measured). mypy must run on the
same Python as the project (the extensions are built for it); the project's packages are found
through ``--python`` (default: this checkout's .venv), for their types only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # dagster_project/
ROOT = PACKAGE.parent

# Not compiled: the readers (their work is in PyMuPDF, python-docx, openpyxl, xlrd), the record
# decorators (they run once at import and rewrite classes), the records (compiled, their annotations
# become classes, `int | None` becomes `type`, where the loader reads the declared strings), and
# this build.
NOT_COMPILED = {"frozen.py", "compiled.py", "records.py", "build.py"}


def compiled_modules(parsers: Path) -> list[Path]:
    """The parser modules mypyc compiles, relative to the folder holding ``dagster_project``."""
    return sorted(
        p.relative_to(parsers.parent.parent)
        for p in parsers.rglob("*.py")
        if p.name not in NOT_COMPILED and "readers" not in p.relative_to(parsers).parts
    )


# mypy's view of the sources: the third-party packages are only imported, never compiled;
# ignore_errors: the remaining reports are Optional narrowing mypy cannot follow (a value the code
# has checked elsewhere), which mypyc turns into run-time checks.
MYPY_INI = """[mypy]
ignore_missing_imports = True
follow_imports = silent
ignore_errors = True
"""


def build(out: Path, python: str, opt_level: str) -> list[Path]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copytree(PACKAGE, out / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    (out / "mypy.ini").write_text(MYPY_INI)
    modules = compiled_modules(out / PACKAGE.name / "parsers")
    mypyc = [sys.executable, "-m", "mypyc", "--config-file", "mypy.ini", "--python-executable", python]
    env = {**os.environ, "MYPYC_OPT_LEVEL": opt_level}
    subprocess.run([*mypyc, *map(str, modules)], cwd=out, env=env, check=True, stdout=subprocess.DEVNULL)
    return modules


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dagster_project.parsers.build", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("out", type=Path, help="scratch folder (emptied): the copy and its extensions")
    ap.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"),
                    help="the project's interpreter, whose packages mypy reads for their types")  # fmt: skip
    ap.add_argument("--opt-level", default="3", help="MYPYC_OPT_LEVEL: the C compiler's -O")
    args = ap.parse_args(argv)
    modules = build(args.out.resolve(), args.python, args.opt_level)
    print(f"compiled {len(modules)} parser modules into {args.out}: PYTHONPATH={args.out} to use them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
