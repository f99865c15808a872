"""With DEBUG on, a missing page or a server error still shows the Indonesian 404 or 500 page, the details below.

Django answers with its own English technical pages whenever DEBUG is on (and their inline styles
break the CSP), so testers and developers saw something no user ever sees. This middleware shows the
pages users get, followed by what a developer needs: the exception, the URL tried, the traceback.
`DEBUG_TECHNICAL_ERRORS=true` in the environment brings Django's technical pages back. Without DEBUG
the middleware does nothing: Django's handlers render 404.html and 500.html as usual.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.views.debug import ExceptionReporter

logger = logging.getLogger("django.request")
# Answered by Django the same way with DEBUG on or off (403) or by pages of their own (400): left alone.
NOT_OURS = (PermissionDenied, BadRequest, SuspiciousOperation)


def _enabled() -> bool:
    return settings.DEBUG and not settings.DEBUG_TECHNICAL_ERRORS


def not_found(request: HttpRequest, details: str) -> HttpResponse:
    return render(request, "404.html", {"debug_details": details}, status=HttpResponseNotFound.status_code)


class DebugErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A URL no pattern matches fails before any view runs, so process_exception never sees it.
        if _enabled() and response.status_code == 404 and not _resolves(request.path_info):
            return not_found(request, f"Tidak ada pola URL untuk {request.path_info!r}.")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _enabled() or isinstance(exception, NOT_OURS):
            return None
        if isinstance(exception, Http404):
            return not_found(request, f"{request.method} {request.path_info}: {exception}")
        logger.error("Internal Server Error: %s", request.path, exc_info=sys.exc_info())
        details = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
        # Without the request: the page must render even when what broke is the database or a context processor.
        return HttpResponseServerError(render_to_string("500.html", {"debug_details": details}))


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
