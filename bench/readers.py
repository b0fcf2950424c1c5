"""Reader speed: pages/s and MB/s per PDF, beside the floor of raw text extraction.

    python -m bench.readers [PDF_DIR]        (default: ../shared/real beside the repo)

For each PDF: our reader (parsers.readers.pdf: PyMuPDF tables + text), the
whole parse (reader + family parsers), pdfplumber's table finder on the same
pages (the alternative considered), and the floors: PyMuPDF ``get_text`` and
pypdfium2 ``get_textpage().get_text_range()``. Prints the ratio reader / floor.
One process, one core.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def measure(path: Path, with_pdfplumber: bool = True) -> dict:
    import pymupdf

    from dagster_project.parsers import parse_bytes
    from dagster_project.parsers.readers.pdf import read_pdf

    data = path.read_bytes()
    pages = pymupdf.open(stream=data, filetype="pdf").page_count

    def floor_pymupdf():
        doc = pymupdf.open(stream=data, filetype="pdf")
        for page in doc:
            page.get_text()

    def floor_pdfium():
        import pypdfium2

        doc = pypdfium2.PdfDocument(data)
        for i in range(len(doc)):
            doc[i].get_textpage().get_text_range()

    def plumber():
        import io

        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                for table in page.find_tables():
                    table.extract()
                page.extract_words()

    row = {
        "file": path.name,
        "pages": pages,
        "mb": len(data) / 1e6,
        "reader_s": _best(lambda: read_pdf(data)),
        "parse_s": _best(lambda: parse_bytes(data, path.name), repeat=1),
        "floor_pymupdf_s": _best(floor_pymupdf),
        "floor_pdfium_s": _best(floor_pdfium),
    }
    if with_pdfplumber:
        row["pdfplumber_s"] = _best(plumber, repeat=1)
    return row


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else next(
        (p for p in (ROOT.parent / "shared" / "real", ROOT.parent.parent / "shared" / "real") if p.is_dir()), None
    )
    if folder is None:
        sys.exit("no PDF folder (pass one, or place shared/real beside the repo)")
    print(f"{'file':48} pages   MB  reader p/s  MB/s  parse s  floor(mupdf) s  floor(pdfium) s  ratio  pdfplumber s")
    for path in sorted(folder.glob("*.pdf")):
        r = measure(path)
        print(
            f"{r['file']:48} {r['pages']:5} {r['mb']:4.2f} {r['pages'] / r['reader_s']:10.1f} "
            f"{r['mb'] / r['reader_s']:5.2f} {r['parse_s']:8.2f} {r['floor_pymupdf_s']:15.3f} "
            f"{r['floor_pdfium_s']:16.3f} {r['reader_s'] / r['floor_pymupdf_s']:6.1f} {r.get('pdfplumber_s', 0):13.2f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
