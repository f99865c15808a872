"""The Celery application: background jobs (`core.jobs`) on a Redis broker.

The broker is `settings.CELERY_BROKER_URL` (from the environment, e.g. redis://127.0.0.1:6379/1). Without
one, `core.jobs.job_start` runs every job inline and nothing here is used. A worker:
`CELERY_BROKER_URL=redis://127.0.0.1:6379/1 make worker` (README, "Background jobs").
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desa_sadar.settings")

app = Celery("desa_sadar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
