"""Data Docs that work offline: the CDN scripts and styles GX's pages load, served from local copies.

GX's Data Docs pages load jQuery, Bootstrap, bootstrap-table, Font Awesome and Vega from CDNs;
on a machine without internet the page is unstyled and its tables empty. ``fetch_assets`` takes
the same files from their npm packages (pinned versions) into a cache folder
(``make docs-assets``, run by ``make install``); ``make_offline`` copies them into the site's
``static/vendor`` and points every page at them. The packages come through the ordinary
``npm pack`` client, so the registry npm is configured with is the one used. Without the cache (and no network) the pages
keep their CDN links and a warning says so: the docs still render where the internet is.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "gx_data_docs_assets"


@dataclass(frozen=True)
class Asset:
    url_pattern: str  # regex on the CDN URL as GX writes it
    package: str
    version: str
    path: str  # file inside the package; for a folder (fonts), the folder
    extra_dirs: tuple[str, ...] = ()  # folders the file references relatively (../webfonts)

    @property
    def local(self) -> str:
        """Path below static/vendor/."""
        return f"{self.package.replace('/', '__')}@{self.version}/{self.path}"


ASSETS: tuple[Asset, ...] = (
    Asset(r"https://code\.jquery\.com/jquery-3\.7\.1\.min\.js", "jquery", "3.7.1", "dist/jquery.min.js"),
    Asset(r"https://cdnjs\.cloudflare\.com/ajax/libs/popper\.js/1\.12\.9/umd/popper\.min\.js",
          "popper.js", "1.12.9", "dist/umd/popper.min.js"),
    Asset(r"https://maxcdn\.bootstrapcdn\.com/bootstrap/4\.3\.1/css/bootstrap\.min\.css",
          "bootstrap", "4.3.1", "dist/css/bootstrap.min.css"),
    Asset(r"https://stackpath\.bootstrapcdn\.com/bootstrap/4\.3\.1/js/bootstrap\.min\.js",
          "bootstrap", "4.3.1", "dist/js/bootstrap.min.js"),
    Asset(r"https://cdn\.jsdelivr\.net/npm/@forevolve/bootstrap-dark@1\.1\.0/dist/css/bootstrap-prefers-dark\.css",
          "@forevolve/bootstrap-dark", "1.1.0", "dist/css/bootstrap-prefers-dark.css"),
    Asset(r"https://cdnjs\.cloudflare\.com/ajax/libs/bootstrap-datepicker/1\.9\.0/css/bootstrap-datepicker\.min\.css",
          "bootstrap-datepicker", "1.9.0", "dist/css/bootstrap-datepicker.min.css"),
    Asset(r"https://cdnjs\.cloudflare\.com/ajax/libs/bootstrap-datepicker/1\.9\.0/js/bootstrap-datepicker\.min\.js",
          "bootstrap-datepicker", "1.9.0", "dist/js/bootstrap-datepicker.min.js"),
    Asset(r"https://cdnjs\.cloudflare\.com/ajax/libs/font-awesome/6\.6\.0/css/all\.min\.css",
          "@fortawesome/fontawesome-free", "6.6.0", "css/all.min.css", extra_dirs=("webfonts",)),
    Asset(r"https://unpkg\.com/bootstrap-table@1\.19\.1/dist/bootstrap-table\.min\.css",
          "bootstrap-table", "1.19.1", "dist/bootstrap-table.min.css"),
    Asset(r"https://unpkg\.com/bootstrap-table@1\.19\.1/dist/bootstrap-table\.min\.js",
          "bootstrap-table", "1.19.1", "dist/bootstrap-table.min.js"),
    Asset(r"https://unpkg\.com/bootstrap-table@1\.19\.1/dist/extensions/filter-control/bootstrap-table-filter-control\.min\.js",
          "bootstrap-table", "1.19.1", "dist/extensions/filter-control/bootstrap-table-filter-control.min.js"),
    Asset(r"https://unpkg\.com/bootstrap-table@1\.19\.0/dist/extensions/filter-control/bootstrap-table-filter-control\.min\.css",
          "bootstrap-table", "1.19.0", "dist/extensions/filter-control/bootstrap-table-filter-control.min.css"),
    Asset(r"https://unpkg\.com/bootstrap-table@1\.19\.0/dist/extensions/filter-control/bootstrap-table-filter-control\.css",
          "bootstrap-table", "1.19.0", "dist/extensions/filter-control/bootstrap-table-filter-control.css"),
    # "@5"/"@6" ranges on the CDN: pinned to the newest release of that major
    Asset(r"https://cdn\.jsdelivr\.net/npm/vega@5", "vega", "5.33.0", "build/vega.min.js"),
    Asset(r"https://cdn\.jsdelivr\.net/npm/vega-lite@5", "vega-lite", "5.23.0", "build/vega-lite.min.js"),
    Asset(r"https://cdn\.jsdelivr\.net/npm/vega-embed@6", "vega-embed", "6.29.0", "build/vega-embed.min.js"),
)

# GX's logo from S3 → the copy GX ships in the site's static/images.
_LOGO = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[A-Za-z_-]+\.png(\?[^\"']*)?")


def _npm_pack(package: str, version: str) -> bytes:
    """The package's tarball, fetched by npm itself (raises OSError when npm or the registry is missing)."""
    npm = shutil.which("npm")
    if npm is None:
        raise OSError("npm is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [npm, "pack", f"{package}@{version}", "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True, timeout=300, check=False,
        )
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise OSError(f"npm pack {package}@{version} failed: {done.stderr.strip()[-300:]}")
        return tarballs[0].read_bytes()


def fetch_assets(cache_dir: Path = CACHE_DIR) -> list[Path]:
    """Download the packages' files into cache_dir (skipping what is there); returns the files."""
    wanted: dict[tuple[str, str], list[Asset]] = {}
    for asset in ASSETS:
        wanted.setdefault((asset.package, asset.version), []).append(asset)
    found = []
    for (package, version), assets in wanted.items():
        targets = [cache_dir / a.local for a in assets]
        if all(t.exists() for t in targets):
            found.extend(targets)
            continue
        data = _npm_pack(package, version)
        prefixes = {a.path for a in assets} | {d for a in assets for d in a.extra_dirs}
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[-1]  # drop the tarball's "package/" folder
                if not member.isfile() or not any(inner == p or inner.startswith(p + "/") for p in prefixes):
                    continue
                target = cache_dir / f"{package.replace('/', '__')}@{version}" / inner
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
        found.extend(targets)
    return found


def _ensure_cache(cache_dir: Path) -> bool:
    if all((cache_dir / a.local).exists() for a in ASSETS):
        return True
    try:
        fetch_assets(cache_dir)
    except OSError as exc:  # offline and never fetched: keep the CDN links
        log.warning("Data Docs assets not cached and not downloadable (%s): pages keep CDN links", exc)
        return False
    return True


def make_offline(docs_dir: Path, cache_dir: Path = CACHE_DIR) -> int:
    """Copy the cached assets into docs_dir/static/vendor and point every page at them.

    Returns the number of links rewritten (0 when the assets are not available).
    """
    if not _ensure_cache(cache_dir):
        return 0
    vendor = docs_dir / "static" / "vendor"
    shutil.copytree(cache_dir, vendor, dirs_exist_ok=True)
    logo = docs_dir / "static" / "images" / "logo-long.png"
    patterns = [(re.compile(a.url_pattern + r"(?=[\"'])"), vendor / a.local) for a in ASSETS]
    rewritten = 0
    for page in docs_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        here, before = page.parent, rewritten
        for pattern, target in patterns:
            text, n = pattern.subn(os.path.relpath(target, here).replace(os.sep, "/"), text)
            rewritten += n
        text, n = _LOGO.subn(os.path.relpath(logo, here).replace(os.sep, "/"), text)
        rewritten += n
        if rewritten > before:  # a page copied from the previous site is offline already
            page.write_text(text, encoding="utf-8")
    return rewritten
