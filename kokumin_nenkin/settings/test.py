"""The test suite: fast hashing, in-memory mail, demo mode on, same database rules."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-kokumin-nenkin-abcdefghijklmnop")
os.environ.setdefault("MY_NUMBER_KEY", "dGVzdC1vbmx5LW15LW51bWJlci1rZXktMzItYnl0ZSE=")
os.environ.setdefault("DEMO_MODE", "true")
os.environ["DEBUG"] = "false"

from .base import *  # noqa: F403
from .base import TASKS

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
HOME_WORK_LIST_SECONDS = 0  # counts read fresh (a test sets it to check the cache)
TASKS = {**TASKS, "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Audit: a request that touched personal data without an audit event is an error;
# flush (between transactional tests) may empty the append-only audit tables.
AUDIT_REQUIRE_EVENTS = True
AUDIT_CHECK_DETAILS = True
AUDIT_ALLOW_FLUSH = True
