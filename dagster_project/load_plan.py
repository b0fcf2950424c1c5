"""What a load has to do, decided against the warehouse as well as the folder.

- A file is parsed when its content is new or changed, or when it stops being a
  duplicate (the copy that was loaded went away: the survivor loads in its place).
- The same content under several names is loaded once. The name already loaded
  keeps it, whichever name sorts first; among new names the first in sorted order wins.
- A file that could not be read this time (or lies in a folder that could not) is
  neither parsed nor removed: a read error is not a deletion.
- A new version of a loaded file that could not be read (raw.rejected_versions: the
  loaded rows were kept) is not parsed again until the file changes; a file back
  at its loaded version clears that record.
- A run that would remove more than half of the loaded files is refused unless
  the operator allows it (FISCAL_ALLOW_SHRINK=1): an unmounted sub-share or a
  half-synced folder must not publish a warehouse with half the reports gone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .discovery import Discovery, SourceFile

DUPLICATE = "duplicate"  # raw.source_files.families of a name loaded as a duplicate
SHRINK_ENV = "FISCAL_ALLOW_SHRINK"


class ShrinkRefused(RuntimeError):
    """The folder holds far fewer of the loaded files than the warehouse: refuse to publish that."""


@dataclass(frozen=True)
class Known:
    sha256: str
    duplicate: bool
    families: str | None = None  # of the loaded version
    rejected: str | None = None  # sha256 of a later version that could not be read (its rows kept)


@dataclass
class LoadPlan:
    removed: list[str]  # loaded names no longer in the folder
    to_parse: list[SourceFile]  # new, changed, or promoted from duplicate
    duplicates: dict[str, tuple[SourceFile, str]]  # name → (file, name holding its content), to (re)write
    unchanged: int
    duplicate_count: int  # every name that is a duplicate now (rewritten or not)
    kept: list[str]  # loaded names left as they are because they could not be read
    cleared: list[str] = field(default_factory=list)  # back at their loaded version: rejection record dropped


def plan_load(known: dict[str, Known], found: Discovery) -> LoadPlan:
    files = found.files
    present = {f.source_file for f in files}
    kept = sorted(n for n in known if n not in present and found.unread(n))
    removed = sorted(set(known) - present - set(kept))

    # Who holds each content: a name that already holds it (loaded, not a duplicate) and is
    # still there with the same content, else the first name in sorted order.
    holder: dict[str, str] = {}
    for name in kept:
        if not known[name].duplicate:
            holder.setdefault(known[name].sha256, name)
    for f in files:
        k = known.get(f.source_file)
        if k is not None and not k.duplicate and k.sha256 == f.sha256:
            holder.setdefault(f.sha256, f.source_file)
    for f in files:
        holder.setdefault(f.sha256, f.source_file)
    # Who held it at the last load, to tell whether a duplicate's message is still right.
    held_before = {k.sha256: name for name, k in sorted(known.items()) if not k.duplicate}

    to_parse, duplicates, unchanged, duplicate_count, cleared = [], {}, 0, 0, []
    for f in files:
        k = known.get(f.source_file)
        owner = holder[f.sha256]
        if owner == f.source_file:
            if k is not None and k.rejected == f.sha256:
                unchanged += 1  # this version could not be read last time either
            elif k is None or k.duplicate or k.sha256 != f.sha256:
                to_parse.append(f)
            else:
                unchanged += 1
                if k.rejected:
                    cleared.append(f.source_file)
            continue
        duplicate_count += 1
        if k is None or not k.duplicate or k.sha256 != f.sha256 or held_before.get(f.sha256) != owner:
            duplicates[f.source_file] = (f, owner)
        else:
            unchanged += 1
    return LoadPlan(removed, to_parse, duplicates, unchanged, duplicate_count, kept, cleared)


def check_shrink(loaded: int, removed: list[str], allow: bool | None = None) -> None:
    """Refuse a load that removes every loaded file, or more than half of them, unless allowed."""
    if allow is None:
        allow = os.environ.get(SHRINK_ENV, "").strip().lower() in ("1", "true", "yes")
    if allow or not removed or 2 * len(removed) <= loaded:
        return
    shown = ", ".join(removed[:5]) + (f" … (+{len(removed) - 5})" if len(removed) > 5 else "")
    raise ShrinkRefused(
        f"refusing to publish: this run would remove {len(removed)} of the {loaded} loaded files "
        f"({shown}). If the files really were withdrawn, run again with {SHRINK_ENV}=1; "
        "the published warehouse is unchanged."
    )
