"""parse_pool.imap_isolated: each worker holds the job it runs and the next; a worker that dies or
stalls costs only the job it was running, and the job queued behind it goes to a fresh worker."""

from __future__ import annotations

import os
import time

from dagster_project.parse_pool import Failed, imap_isolated


def work(job: tuple[str, float]):
    """A stand-in parse: doubles a number, dies, hangs, or says when it ran (CLOCK_MONOTONIC is system-wide)."""
    kind, value = job
    if kind == "die":
        os._exit(3)
    if kind == "hang":
        time.sleep(60)
    if kind == "when":
        start = time.monotonic()
        time.sleep(value)
        return start
    return value * 2


def test_a_job_queued_behind_one_that_kills_its_worker_runs_in_a_fresh_worker():
    jobs = [("double", 1), ("die", 0), ("double", 2), ("double", 3)]
    assert list(imap_isolated(work, jobs, workers=1, seconds=30, window=4)) == [
        2, Failed("crashed", "worker process ended with exit code 3"), 4, 6,
    ]


def test_a_job_queued_behind_one_that_times_out_runs_in_a_fresh_worker():
    jobs = [("hang", 0), ("double", 5), ("double", 6)]
    assert list(imap_isolated(work, jobs, workers=1, seconds=1, window=4)) == [
        Failed("timeout", "still parsing after 1 s"), 10, 12,
    ]


def test_a_worker_runs_the_jobs_it_holds_while_the_caller_is_busy():
    """The caller sleeps after the first result (the loader inserting a batch); the worker holds the
    next two jobs by then (one given with the first, one as the first result was read) and runs both."""
    jobs = [("when", 0.1), ("when", 0.1), ("when", 0.1)]
    results = imap_isolated(work, jobs, workers=1, seconds=30, window=4)
    next(results)
    time.sleep(1.5)
    woke = time.monotonic()
    assert [started < woke for started in results] == [True, True]
