"""WSGI entry point, served by gunicorn in production (see gunicorn.conf.py)."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desa_sadar.settings")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # One line naming what to set (gunicorn loads the application once in its master, preload_app),
    # instead of a traceback for an operator to read through.
    sys.exit(f"Konfigurasi tidak lengkap: {error}")
