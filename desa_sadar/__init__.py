# The Celery app is loaded with Django, so `shared_task`s bind to it (desa_sadar/celery.py).
from desa_sadar.celery import app as celery_app

__all__ = ["celery_app"]
