"""Background jobs: state in the database, progress page and JSON, owner-only, fail closed."""

import json
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kokumin_nenkin.jobs.models import TRANSITIONS, Job, Status
from kokumin_nenkin.jobs.services import (
    InvalidTransition,
    Progress,
    job_set_status,
    job_start,
)
from tests.conftest import login

from . import handlers


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """job_start as a request calls it: the job runs once the transaction has committed."""

    def _start(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(**kwargs)
        job.refresh_from_db()
        return job

    return _start


def page(client, job):
    return client.get(reverse("jobs:progress", args=[job.pk]))


def state(client, job):
    response = client.get(reverse("jobs:status", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.json()


def test_a_job_runs_and_its_owner_sees_the_result(start, cast, client_for):
    job = start(
        handler=handlers.count_to, owner=cast["shintatsu"], label="件数の確認", params={"n": 25}
    )
    assert job.status == Status.SUCCEEDED and job.task_result_id
    assert (job.total, job.done, job.percent) == (25, 25, 100)
    assert job.result_file_ids == [7]
    client = client_for("shintatsu")
    assert state(client, job) | {"updated_at": None} == {
        "id": job.pk,
        "label": "件数の確認",
        "status": "succeeded",
        "status_label": "完了",
        "total": 25,
        "done": 25,
        "percent": 100,
        "message": "25件を数えました。",
        "finished": True,
        "next_url": f"/jobs/{job.pk}/",
        "updated_at": None,
    }
    html = page(client, job).content.decode()
    assert "件数の確認" in html and "25件を数えました。" in html
    assert 'data-job-finished="true"' in html and 'value="100"' in html


def test_the_page_loads_its_script_from_a_file_and_no_inline_script(start, cast, client_for):
    job = start(handler=handlers.count_to, owner=cast["shintatsu"], label="件数", params={"n": 1})
    response = page(client_for("shintatsu"), job)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.content.decode(), re.S)
    assert any('src="/static/js/progress.js"' in attrs for attrs, _ in scripts)
    assert all('src="/static/js/' in attrs and body.strip() == "" for attrs, body in scripts)
    assert "script-src" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_queued_job_shows_the_same_state_to_every_session_and_after_a_reload(cast):
    owner = cast["shintatsu"]
    job = Job.objects.create(kind="tests.jobs.handlers.count_to", label="報告書の作成", owner=owner)
    first = login(Client(), owner)
    second = Client()  # another tab: the same session, served by any app process
    second.cookies = first.cookies
    html = page(first, job).content.decode()
    assert 'data-job-finished="false"' in html and "待機中" in html
    # a worker elsewhere takes it and reports progress in its own transactions
    job_set_status(job.pk, Status.RUNNING)
    progress = Progress(job.pk, min_interval=0)
    progress.start(total=200, message="報告書を作成しています")
    progress.advance(50)
    for client in (first, second):
        s = state(client, job)
        assert (s["status"], s["done"], s["total"], s["percent"]) == ("running", 50, 200, 25)
        assert s["message"] == "報告書を作成しています" and s["finished"] is False
    reloaded = page(second, job).content.decode()
    assert 'value="25"' in reloaded and "処理中" in reloaded


def test_another_staff_member_cannot_see_a_job_nor_learn_that_it_exists(start, cast, client_for):
    job = start(handler=handlers.count_to, owner=cast["shintatsu"], label="件数", params={"n": 1})
    other = client_for("kakunin")
    assert page(other, job).status_code == 404
    assert other.get(reverse("jobs:status", args=[job.pk])).status_code == 404
    assert other.get(reverse("jobs:status", args=[job.pk + 1000])).status_code == 404
    anonymous = Client().get(reverse("jobs:status", args=[job.pk]))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_an_unexpected_failure_shows_a_plain_message_and_no_detail(start, cast, client_for, caplog):
    job = start(handler=handlers.breaks, owner=cast["shintatsu"], label="壊れる処理")
    assert job.status == Status.FAILED and job.finished_at
    s = state(client_for("shintatsu"), job)
    assert s["status_label"] == "失敗" and s["finished"] is True
    assert s["message"].startswith("処理中にエラーが発生しました。")
    assert "山田" not in json.dumps(s, ensure_ascii=False) and "RuntimeError" not in s["message"]
    assert "RuntimeError" in caplog.text  # the operator still has the traceback in the log


def test_an_expected_failure_shows_its_own_japanese_message(start, cast):
    job = start(handler=handlers.refuses, owner=cast["shintatsu"], label="取込")
    assert job.status == Status.FAILED
    assert job.message == "ファイルに誤りがあるため処理しませんでした。"


def test_a_result_link_off_the_site_fails_the_job(start, cast):
    job = start(handler=handlers.links_elsewhere, owner=cast["shintatsu"], label="リンク")
    assert job.status == Status.FAILED and job.result == {}


def test_only_marked_handlers_are_run_and_params_hold_no_my_number(cast):
    with pytest.raises(ValueError, match="not a @job_handler"):
        job_start(handler=handlers.not_a_handler, owner=cast["shintatsu"], label="x")
    with pytest.raises(ValueError, match="個人番号"):
        job_start(
            handler=handlers.count_to,
            owner=cast["shintatsu"],
            label="x",
            params={"n": 1, "note": "1234 5678 9012"},
        )
    assert not Job.objects.exists()


@pytest.mark.parametrize("old", list(Status))
@pytest.mark.parametrize("new", list(Status))
def test_every_status_move_is_allowed_or_refused_as_the_table_says(cast, old, new):
    job = Job.objects.create(kind="k", label="l", owner=cast["shintatsu"], status=old)
    if new in TRANSITIONS[old]:
        assert job_set_status(job.pk, new).status == new
    else:
        with pytest.raises(InvalidTransition):
            job_set_status(job.pk, new)
        job.refresh_from_db()
        assert job.status == old


def test_progress_writes_are_throttled_but_the_end_is_always_written(cast):
    job = Job.objects.create(kind="k", label="l", owner=cast["shintatsu"], status=Status.RUNNING)
    progress = Progress(job.pk, min_interval=3600)
    progress.start(total=1000)
    for _ in range(999):
        progress.advance()
    job.refresh_from_db()
    assert job.done == 0  # nothing written since start: no flood of UPDATEs
    progress.advance()
    job.refresh_from_db()
    assert job.done == 1000


def test_a_finished_job_is_not_run_again(start, cast):
    from kokumin_nenkin.jobs.tasks import run_job

    job = start(handler=handlers.count_to, owner=cast["shintatsu"], label="x", params={"n": 2})
    assert run_job.enqueue(job.pk).return_value == "skipped"


def test_a_job_waits_for_the_transaction_that_started_it_to_commit(start, cast):
    with transaction.atomic():
        job = job_start(
            handler=handlers.count_to, owner=cast["shintatsu"], label="x", params={"n": 3}
        )
        job.refresh_from_db()
        assert job.status == Status.QUEUED and not job.task_result_id  # not run inside
    # pytest-django's own transaction never commits: the callback is still waiting
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    done = start(handler=handlers.count_to, owner=cast["shintatsu"], label="y", params={"n": 3})
    assert done.status == Status.SUCCEEDED and done.done == 3


def test_a_job_started_in_a_transaction_that_rolls_back_never_runs(
    cast, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        job_start(handler=handlers.count_to, owner=cast["shintatsu"], label="x", params={"n": 3})
        raise RuntimeError("the request failed after starting the job")
    assert callbacks == []  # nothing was queued to run
    assert not Job.objects.exists()
