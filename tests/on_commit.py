"""On-commit side effects in tests, as in production.

A request runs in one transaction (ATOMIC_REQUESTS) and what it queues with
`transaction.on_commit` (a background job) runs only once that transaction has committed.
Under pytest-django's `django_db` the whole test is one transaction that never commits, so
nothing queued would ever run. `requests_commit` (autouse, from `tests/conftest.py`) makes each
test-client request run the callbacks it queued once it has answered — after the request's own
transaction, never inside it; callbacks of a request that failed were rolled back with it.
Code called directly (a service in a test) uses `django_capture_on_commit_callbacks(execute=True)`.
"""

import pytest
from django.test import Client, TestCase


@pytest.fixture(autouse=True)
def requests_commit(monkeypatch):
    answer = Client.request

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return answer(self, **request)

    monkeypatch.setattr(Client, "request", request)
