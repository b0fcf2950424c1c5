"""PDF reader speed: our reader beside the floor of raw text extraction, per PDF.

    python -m bench.readers [PDF_DIR ...] [--repeat N] [--alternatives]

Default folders: ../shared/real and ../shared/real_templates beside the repo (skips
when neither is there). For each PDF: its pages, PyMuPDF ``page.get_text()`` on
every page (the floor), our reader (parsers.readers.pdf: its own table finder over
PyMuPDF's drawings, PyMuPDF text)
and their ratio; then the worst ratio, which issue 20 wants at most 10.
``--alternatives`` adds the whole parse (reader + family parsers), pdfplumber's
table finder on the same pages (the alternative considered) and the pypdfium2
text floor.

Times are CPU seconds of this process (best of ``--repeat`` runs, the floor of five
times as many: it is cheap, and on a small file its best is otherwise noisy): the
machine is shared, and wall time would count other processes' work. One process, one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 10  # issue 20: the reader within 10x of PyMuPDF get_text


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def measure(path: Path, repeat: int = 3, alternatives: bool = False) -> dict:
    import pymupdf

    from dagster_project.parsers.readers.pdf import read_pdf

    data = path.read_bytes()
    pages = pymupdf.open(stream=data, filetype="pdf").page_count

    def floor_pymupdf():
        doc = pymupdf.open(stream=data, filetype="pdf")
        for page in doc:
            page.get_text()

    read_pdf(data)  # warm: imports and font caches are not the file's cost
    row = {
        "file": path.name,
        "pages": pages,
        "mb": len(data) / 1e6,
        "get_text_s": _best(floor_pymupdf, repeat * 5),  # cheap, and noisy on small files: more runs
        "reader_s": _best(lambda: read_pdf(data), repeat),
    }
    row["ratio"] = row["reader_s"] / max(row["get_text_s"], 1e-6)
    if alternatives:
        row.update(_alternatives(path, data))
    return row


def _alternatives(path: Path, data: bytes) -> dict:
    import io

    import pdfplumber
    import pypdfium2

    from dagster_project.parsers import parse_bytes

    def floor_pdfium():
        doc = pypdfium2.PdfDocument(data)
        for i in range(len(doc)):
            doc[i].get_textpage().get_text_range()

    def plumber():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                for table in page.find_tables():
                    table.extract()
                page.extract_words()

    return {
        "parse_s": _best(lambda: parse_bytes(data, path.name), repeat=1),
        "floor_pdfium_s": _best(floor_pdfium),
        "pdfplumber_s": _best(plumber, repeat=1),
    }


def default_folders() -> list[Path]:
    for shared in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        found = [shared / name for name in ("real", "real_templates") if (shared / name).is_dir()]
        if found:
            return found
    return []


def main(argv: list[str]) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m bench.readers", description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="folders of PDFs (default: ../shared/real*)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--alternatives", action="store_true", help="also the whole parse, pdfplumber, pypdfium2")
    args = parser.parse_args(argv)
    folders = args.folders or default_folders()
    paths = sorted(p for folder in folders for p in folder.glob("*.pdf"))
    if not paths:
        print("no PDF folder (pass one, or place shared/real beside the repo): skipped")
        return []
    head = f"{'file':52} pages   MB  get_text s  reader s  pages/s  ratio"
    if args.alternatives:
        head += "  parse s  pypdfium2 s  pdfplumber s"
    print(head)
    rows = []
    for path in paths:
        r = measure(path, args.repeat, args.alternatives)
        rows.append(r)
        line = (
            f"{r['file']:52} {r['pages']:5} {r['mb']:4.2f} {r['get_text_s']:11.3f} {r['reader_s']:9.3f} "
            f"{r['pages'] / max(r['reader_s'], 1e-6):8.1f} {r['ratio']:6.1f}"
        )
        if args.alternatives:
            line += f" {r['parse_s']:8.2f} {r['floor_pdfium_s']:12.3f} {r['pdfplumber_s']:13.2f}"
        print(line)
    worst = max(rows, key=lambda r: r["ratio"])
    total = sum(r["reader_s"] for r in rows) / max(sum(r["get_text_s"] for r in rows), 1e-6)
    print(
        f"worst ratio reader / get_text: {worst['ratio']:.1f} ({worst['file']}; target ≤ {TARGET_RATIO}); "
        f"all files together: {total:.1f}"
    )
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
