"""WSGI entry point for gunicorn: `gunicorn kokumin_nenkin.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokumin_nenkin.settings.prod")

application = get_wsgi_application()
