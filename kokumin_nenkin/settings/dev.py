"""Development on a workstation: `make run`. Throw-away secrets, demo mode on."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-secret-key-kokumin-nenkin-0123456789")
# 32 bytes, base64: development only, never used for real data.
os.environ.setdefault("MY_NUMBER_KEY", "ZGV2LW9ubHktbXktbnVtYmVyLWtleS0zMi1ieXRlcyE=")
os.environ.setdefault("DEMO_MODE", "true")
os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: F403
from .base import env

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
WHITENOISE_AUTOREFRESH = True
AUDIT_CHECK_DETAILS = True  # a details key missing from audit/schema.py fails at once
