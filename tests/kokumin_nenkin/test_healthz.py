"""`/healthz`: cheap, no login, and names the part that is down (database, worker, storage)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.tasks import task_backends
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from kokumin_nenkin.jobs.heartbeat import beat
from kokumin_nenkin.jobs.models import WorkerHeartbeat


@pytest.fixture
def database_worker():
    """Tasks go through the database worker, as in production."""
    saved = task_backends["default"]
    task_backends["default"] = DatabaseBackend(
        alias="default", params={"BACKEND": "django_tasks_db.DatabaseBackend"}
    )
    yield
    task_backends["default"] = saved


@pytest.mark.django_db
def test_healthz_answers_ok_without_login_and_cheaply(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "worker": "not_used",  # the test settings run tasks in the request
        "storage": "ok",
        "down": [],
    }
    assert response["Cache-Control"] == "no-store"
    assert len(queries) <= 2  # SELECT 1 (and the heartbeat when a worker is used)


@pytest.mark.django_db
def test_healthz_is_503_naming_the_database_when_it_is_down(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "down"
    assert body["worker"] == "unknown"
    assert body["down"] == ["database"]
    assert client.get("/healthz").status_code == 200  # back at once


@pytest.mark.django_db
def test_healthz_names_a_silent_worker_but_keeps_serving(client, database_worker):
    body = client.get("/healthz")
    assert body.status_code == 200  # pages still work; only jobs wait
    assert body.json()["status"] == "degraded"
    assert body.json()["down"] == ["worker"]

    beat("worker-a")
    response = client.get("/healthz")
    assert response.json()["worker"] == "ok"
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_worker_whose_heartbeat_went_stale(client, database_worker, settings):
    """A worker killed without taking its row away: three missed beats and it is down."""
    settings.WORKER_HEARTBEAT_SECONDS = 30
    beat("worker-a")
    assert client.get("/healthz").json()["worker"] == "ok"
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=91))
    body = client.get("/healthz").json()
    assert (body["worker"], body["status"], body["down"]) == ("down", "degraded", ["worker"])
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=60))
    assert client.get("/healthz").json()["worker"] == "ok"  # two missed beats: still up


@pytest.mark.django_db
def test_healthz_names_the_storage_when_it_is_full_or_read_only(client, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "missing")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "down"
    assert response.json()["down"] == ["storage"]

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.HEALTH_MIN_FREE_MB = 10**12  # more than any disk has
    assert client.get("/healthz").json()["down"] == ["storage"]
