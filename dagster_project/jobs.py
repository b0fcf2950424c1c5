"""Jobs, schedules and sensors: how the pipeline runs unattended."""


import json

import dagster as dg

from .assets.publish import PUBLISHED_KEY
from .discovery import RawFolderUnavailable, fingerprint
from .settings import load_settings

# One run at a time per warehouse: with the dagster.yaml that run.py writes, the daemon's run
# queue holds a second run until the first ends (locking.py covers runs started by hand).
CONCURRENCY_TAG = {"fiscal/warehouse": "fiscal_full_build"}

fiscal_full_build = dg.define_asset_job(
    "fiscal_full_build",
    # Everything but the scale-out path, which runs per partition (assets/scaleout.py).
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("scaleout"),
    description="Parse every new or changed report, rebuild the marts, run the quality checks and report.",
    tags=CONCURRENCY_TAG,
)

fiscal_daily = dg.ScheduleDefinition(
    name="fiscal_daily",
    job=fiscal_full_build,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def raw_dir_fingerprint() -> str:
    """A hash of every file's path, size and modification time under FISCAL_RAW_DIR."""
    return fingerprint(load_settings().raw_dir)


def _cursor(raw: str | None) -> dict | None:
    """The sensor's cursor: the folder state it last acted on, and how many changes it has seen."""
    if not raw:
        return None
    try:
        state = json.loads(raw)
    except ValueError:
        return {"fingerprint": raw, "changes": 0}  # cursor of the older sensor: a bare fingerprint
    return state if isinstance(state, dict) else None


def last_published_fingerprint(instance: dg.DagsterInstance) -> str | None:
    """The raw folder state the published warehouse was built from (set by the publish step)."""
    event = instance.get_latest_materialization_event(PUBLISHED_KEY)
    if event is None or event.asset_materialization is None:
        return None
    value = event.asset_materialization.metadata.get("raw_fingerprint")
    return value.value if value is not None else None


@dg.sensor(
    name="raw_dir_sensor",
    job=fiscal_full_build,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def raw_dir_sensor(context: dg.SensorEvaluationContext):
    """Start a run when files in FISCAL_RAW_DIR are added, changed or removed.

    The run key is the folder's fingerprint plus a counter of changes seen, so going back
    to an earlier state (a file removed again) still starts a run. At start-up (no cursor)
    the folder is compared with the state the published warehouse was built from.
    """
    try:
        current = raw_dir_fingerprint()
    except RawFolderUnavailable as exc:
        return dg.SkipReason(f"not starting a run: {exc}")  # an unmounted share is not "every file removed"
    state = _cursor(context.cursor)
    if state is None:
        if last_published_fingerprint(context.instance) == current:
            context.update_cursor(json.dumps({"fingerprint": current, "changes": 0}))
            return dg.SkipReason("raw folder unchanged since the last published run")
        state = {"fingerprint": None, "changes": 0}
    if current == state.get("fingerprint"):
        return dg.SkipReason("raw folder unchanged")
    changes = int(state.get("changes", 0)) + 1
    context.update_cursor(json.dumps({"fingerprint": current, "changes": changes}))
    return dg.RunRequest(run_key=f"{current}-{changes}", tags={"fiscal/raw_fingerprint": current})
