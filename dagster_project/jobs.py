"""Jobs, schedules and sensors: how the pipeline runs unattended."""


import hashlib

import dagster as dg

from .settings import load_settings

fiscal_full_build = dg.define_asset_job(
    "fiscal_full_build",
    # Everything but the scale-out path, which runs per partition (assets/scaleout.py).
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("scaleout"),
    description="Parse every new or changed report, rebuild the marts, run the quality checks and report.",
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
    raw_dir = load_settings().raw_dir
    digest = hashlib.sha256()
    if raw_dir.is_dir():
        for path in sorted(raw_dir.rglob("*")):
            rel = path.relative_to(raw_dir)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                stat = path.stat()
                digest.update(f"{rel.as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    name="raw_dir_sensor",
    job=fiscal_full_build,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def raw_dir_sensor(context: dg.SensorEvaluationContext):
    """Start a run when files in FISCAL_RAW_DIR are added, changed or removed."""
    fingerprint = raw_dir_fingerprint()
    if fingerprint == context.cursor:
        return dg.SkipReason("raw folder unchanged")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
