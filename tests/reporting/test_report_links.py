"""Every link of the quality report opens offline, from file://, in a real browser.

The report of the real pipeline run on the samples, with the dbt docs made the way `make docs`
makes them (static_index.html, manifest and catalog inside: index.html cannot load them from
file://), then written again so that it links them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from dagster_project.reporting import render_quality_report

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def _chromium_dom(url: str, tmp: Path) -> str:
    profile = tmp / f"profile-{abs(hash(url))}"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", url],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def linked_report(sample_run, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("linked_report")
    report_dir = tmp / "reports"
    shutil.copytree(sample_run.report_dir, report_dir)
    docs_db = tmp / "docs.duckdb"
    shutil.copyfile(sample_run.db_path, docs_db)
    env = dict(os.environ, FISCAL_DB_PATH=str(docs_db), DBT_PROFILES_DIR=str(ROOT / "dbt"), DO_NOT_TRACK="1")
    docs = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "docs", "generate", "--quiet", "--static",
         "--target-path", str(report_dir / "dbt_docs"), "--log-path", str(tmp / "logs")],
        cwd=ROOT / "dbt", env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert docs.returncode == 0, docs.stdout[-3000:] + docs.stderr[-2000:]
    return render_quality_report(sample_run.db_path, report_dir, sample_run.raw_dir)["html"]


def test_report_links_both_docs_sites(linked_report):
    page = _Links()
    page.feed(linked_report.read_text(encoding="utf-8"))
    assert "../dbt_docs/static_index.html" in page.hrefs
    assert "../gx_data_docs/index.html" in page.hrefs
    assert not any(h.endswith("dbt_docs/index.html") for h in page.hrefs)


def test_a_runs_report_links_the_docs_already_published(linked_report, sample_run, tmp_path):
    """A run renders into <reports>/.build-<run>/ and publishes only what it wrote: the dbt docs of
    `make docs`, and GX's when the run judged nothing, are in the published folder and linked."""
    published = tmp_path / "reports"
    shutil.copytree(linked_report.parents[1], published)
    shutil.rmtree(published / "quality")
    html = render_quality_report(sample_run.db_path, published / ".build-run1", sample_run.raw_dir)["html"]
    page = _Links()
    page.feed(html.read_text(encoding="utf-8"))
    assert "../dbt_docs/static_index.html" in page.hrefs
    assert "../gx_data_docs/index.html" in page.hrefs


def test_every_link_of_the_report_opens_offline(linked_report, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk; `make test` does it)")
    page = _Links()
    page.feed(linked_report.read_text(encoding="utf-8"))
    assert page.hrefs
    for href in dict.fromkeys(page.hrefs):
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, f"{href}: the report must not need the network"
        if not parts.path:  # an anchor on the page itself
            assert parts.fragment in page.ids, f"{href}: no element with that id"
            continue
        target = (linked_report.parent / unquote(parts.path)).resolve()
        assert target.is_file(), f"{href}: {target} does not exist"
        dom = _chromium_dom(target.as_uri(), tmp_path)
        assert "<body" in dom, f"{href} did not load"
        if target.name == "static_index.html":
            # dbt's app rendered its overview page (the __overview__ doc block) from the file alone
            assert "财政绩效数据仓库" in dom and "Fiscal performance warehouse" in dom, dom[-2000:]
