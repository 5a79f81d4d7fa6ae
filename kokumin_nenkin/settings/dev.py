"""Development on a workstation: `make run`. Throw-away secrets, demo mode on.

DEBUG is off, as in production: the Japanese 404 and 500 pages, static files through
WhiteNoise. Django's debug pages (tracebacks, settings, the URL list) only when a developer
asks for them with KN_DEBUG_PAGES=true (README); a DEBUG variable alone does not turn them on.
"""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-insecure-secret-key-kokumin-nenkin-0123456789")
# 32 bytes, base64: development only, never used for real data.
os.environ.setdefault("MY_NUMBER_KEY", "ZGV2LW9ubHktbXktbnVtYmVyLWtleS0zMi1ieXRlcyE=")
os.environ.setdefault("DEMO_MODE", "true")
os.environ["DEBUG"] = (
    "true"
    if os.environ.get("KN_DEBUG_PAGES", "").strip().lower() in ("1", "true", "yes")
    else "false"
)

from .base import *  # noqa: F403
from .base import env

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True  # static files from the apps' folders, no collectstatic needed
# The designated terminal of the demo is this machine (base.py allows it only with DEBUG).
EXPORT_ALLOWED_NETWORKS = env.list("EXPORT_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
AUDIT_CHECK_DETAILS = True  # a details key missing from audit/schema.py fails at once
