"""The installable web app: its manifest, its service worker at the root scope, and the page of entries
kept on the phone (rendered by static/js/offline/page.js from IndexedDB). See docs/offline.md.

The service worker is a small script made here (the static URLs, whose names change with their content
in production, and a version from their content) that loads the hand-written worker from
static/js/offline/. It is served from `/sw.js` so that its scope is the whole site, and is never cached
by the browser's HTTP cache (`no-cache`), so a new version reaches the phones on their next visit.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

APP_NAME = "Desa Sadar Jamsostek"
SHORT_NAME = "Desa Sadar"
DESCRIPTION = "Pencatatan peserta dan iuran program Desa Sadar Jaminan Sosial Ketenagakerjaan, juga tanpa sinyal."
THEME_COLOR = "#198754"
ICON_SIZES = (192, 512)
# What the worker itself is made of: its version follows their content.
WORKER_SCRIPTS = ("js/offline/store.js", "js/offline/entries.js", "js/offline/sync.js", "js/offline/worker.js")
# The app shell, cached when the worker installs: every page needs these.
SHELL = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "django_htmx/htmx-2.min.js",
    "css/app.css",
    "js/participants.js",
    "js/monthly.js",
    "js/offline/page.js",
    "js/offline/store.js",
    "js/offline/entries.js",
    "js/offline/sync.js",
    "img/favicon.svg",
    *(f"img/icons/icon-{size}.png" for size in ICON_SIZES),
)


def _content_version() -> str:
    digest = hashlib.sha256()
    for path in (*SHELL, *WORKER_SCRIPTS):
        found = finders.find(path)
        digest.update(path.encode())
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:16]


_cached_version = functools.cache(_content_version)


def shell_version() -> str:
    """A version of the shell's files: read once per process in production, on every request in development."""
    return _content_version() if settings.DEBUG else _cached_version()


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "id": "/",
        "name": APP_NAME,
        "short_name": SHORT_NAME,
        "description": DESCRIPTION,
        "lang": "id",
        "dir": "ltr",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {
                "src": static(f"img/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in ICON_SIZES
        ]
        + [
            {
                "src": static("img/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    config = {
        "version": shell_version(),
        "shell": [static(path) for path in SHELL],
        "staticPrefix": static(""),
        "css": static("vendor/bootstrap/css/bootstrap.min.css"),
        "offlineUrl": reverse("offline"),
        "loginPath": reverse("login"),
    }
    context = {"config": json.dumps(config), "scripts": json.dumps([static(path) for path in WORKER_SCRIPTS])[1:-1]}
    response = render(request, "pwa/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The entries kept on this phone: waiting to be sent, or refused by the server and to be fixed."""
    return render(request, "pwa/offline.html")
