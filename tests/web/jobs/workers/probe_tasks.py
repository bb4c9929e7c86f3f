"""A job for the tests of several worker processes (imported by the workers from this folder).

Each run records its start at once (committed), then its run in a transaction that
commits only when the job ends: a worker killed mid-job leaves a start and no run.
"""

from __future__ import annotations

import os
import time

from django.db import connection, transaction
from django_tasks import task


@task()
def record_run(number: int, seconds: float) -> int:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO probe_starts (number, pid) VALUES (%s, %s)", [number, os.getpid()])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO probe_runs (number, pid) VALUES (%s, %s)", [number, os.getpid()])
        time.sleep(seconds)
    return number
