"""gunicorn configuration for Desa Sadar Jamsostek: `gunicorn -c gunicorn.conf.py desa_sadar.wsgi`.

Every value can be overridden from the environment (GUNICORN_*). Logs are JSON lines on standard
output and error, like the application's, and never carry query strings (a search may hold a NIK).
"""

import gc
import multiprocessing
import os

wsgi_app = "desa_sadar.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: the work is database-bound; (2 × CPU) + 1 is gunicorn's own starting advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Report rendering (WeasyPrint) and a large spreadsheet import are the slowest requests.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# Load the application once in the master; workers fork from it (faster start, shared memory).
preload_app = True


def when_ready(server):
    """Once the master has loaded the application: move its objects (Django, the URL and template machinery) out
    of the garbage collector's reach, so that the workers forked from it do not walk them again in every full
    collection (nor copy their pages to do so)."""
    gc.freeze()


# Behind the proxy, trust its X-Forwarded-* headers only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Refuse absurd request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Path only (%(U)s), no query string; duration in microseconds.
access_log_format = '%(h)s %(m)s %(U)s %(s)s %(B)s %(D)s "%(a)s"'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "timestamp": True,
        }
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "root": {"level": loglevel.upper(), "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}
