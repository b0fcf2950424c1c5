"""GX Data Docs of every rule's latest verdict, not only of the validations a run made.

An incremental run validates only the rules with rows to judge (scope.py); a site built from the
run's validations alone would list a handful of rules. The site is built from every rule's latest
validation (latest_validations.py): this run's, a failed one for a rule that could not run (saying
why: never a pass), and the ones an earlier run made for the rules this run carried over. A
carried-over validation's page (and its suite's) is copied from the previously published site when
it is there, since rendering is most of the cost (Jinja over GX's templates), and the site's index
then reads only the validation's index entry (its result without the expectations' results); else
the page is rendered from the stored result. On the index, the run name of a carried-over validation, of a rule that could
not run, and of a passing validation of part of a rule's rows whose other rows have findings, says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import ClassVar

from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.render.renderer.site_builder import DefaultSiteIndexBuilder, SiteBuilder
from jinja2 import FileSystemBytecodeCache

from .context import DATA_DOCS_SITE_NAME, data_docs_site_config
from .latest_validations import Validation

CARRIED_OVER = "carried over: nothing it judges changed since"
NOT_RUN = "could not run"
# a validation of the changed rows only that passes, of a rule with findings kept in its other rows
OTHER_ROWS_FOUND = "its rows judged pass; findings of its other rows kept from earlier runs"


class LatestVerdictsIndex(DefaultSiteIndexBuilder):
    """GX's index page; a validation's run name is followed by its note (suite → note), if any."""

    notes: ClassVar[dict[str, str]] = {}  # set on the instance by build_site

    def add_resource_info_to_index_links_dict(self, index_links_dict, expectation_suite_name, section_name, **kwargs):
        note = self.notes.get(expectation_suite_name) if section_name == "validations" else None
        if note:
            kwargs["run_name"] = f"{kwargs.get('run_name') or ''} ({note})"
        return super().add_resource_info_to_index_links_dict(
            index_links_dict, expectation_suite_name, section_name, **kwargs
        )


def result_key(validation: Validation) -> ValidationResultIdentifier:
    return ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=validation.suite),
        run_id=RunIdentifier(run_name=validation.run_name, run_time=validation.run_time),
        batch_identifier=validation.batch_identifier,
    )


def _page(key: ValidationResultIdentifier | ExpectationSuiteIdentifier) -> str:
    """Where GX's site writes the key's page (HtmlSiteStore: one folder per part of the key)."""
    if isinstance(key, ExpectationSuiteIdentifier):
        return f"expectations/{key.name}.html"
    return "validations/" + "/".join(key.to_tuple()) + ".html"


def has_page(previous: Path | None, validation: Validation) -> bool:
    """Whether the previous site has the validation's page (then its full result is not needed)."""
    return previous is not None and (previous / _page(result_key(validation))).is_file()


def _reuse(previous: Path | None, docs_dir: Path, key) -> bool:
    """Copy the key's page from the previous site, if it has it."""
    source = previous / _page(key) if previous else None
    if source is None or not source.is_file():
        return False
    target = docs_dir / _page(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


def build_site(
    context: AbstractDataContext, docs_dir: Path, latest: list[tuple[Validation, str | None]],
    previous: Path | None, same_rules: bool = False,
) -> Path:
    """Data Docs of ``latest`` (each rule's validation and its note) into the empty ``docs_dir``,
    reusing the carried-over pages ``previous`` holds, and its suite pages when ``same_rules`` (the
    previous site was made by this code: a suite's page depends on the suite alone). Every rule's
    suite is in the context."""
    store = context.validation_results_store
    render: list = []
    for validation, note in latest:
        key = result_key(validation)
        suite = ExpectationSuiteIdentifier(name=validation.suite)
        reused = note == CARRIED_OVER and _reuse(previous, docs_dir, key)
        if not reused and validation.result is None:  # its result was not read: the page was there then
            raise RuntimeError(f"the previous Data Docs page of {validation.check_name} went missing during the run")
        # GX's own serialisation; a reused page's index needs only the entry
        store.store_backend.set(store.key_to_tuple(key), validation.index_entry if reused else validation.result)
        render += [] if reused else [key]
        render += [] if (reused or same_rules) and _reuse(previous, docs_dir, suite) else [suite]
    site = SiteBuilder(
        data_context=context,
        site_name=DATA_DOCS_SITE_NAME,
        store_backend=data_docs_site_config(docs_dir)["store_backend"],
        site_index_builder={"module_name": __name__, "class_name": LatestVerdictsIndex.__name__},
    )
    site.site_index_builder.notes = {validation.suite: note for validation, note in latest if note}
    compiled = _compiled_templates()
    for builder in [*site.site_section_builders.values(), site.site_index_builder]:
        builder.view_class.env.bytecode_cache = compiled
    if render:  # (GX's builders read an empty list as "every page")
        for section in site.site_section_builders.values():
            section.build(resource_identifiers=render)
    site.target_store.copy_static_assets()
    site.site_index_builder.build()  # lists the pages whose result is in the store, and drops the others
    return docs_dir / "index.html"


def _compiled_templates() -> FileSystemBytecodeCache | None:
    """GX's pages are Jinja templates, which each view of the site (a Jinja environment) compiles anew:
    about half of the Data Docs' CPU. Jinja's cache in the system's temporary folder (keyed by each
    template's source, written atomically) keeps them compiled across views and runs."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no private temporary folder to be had: compile as GX does
        return None
