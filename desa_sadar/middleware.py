"""The Content-Security-Policy middleware, with the admin's one allowance.

django-simple-history's admin history page (simple_history/object_history_list.html) carries one
style attribute, `style="border-top: 0"`. Rather than copy and maintain that third-party template,
the admin pages alone may apply exactly that declaration (by its hash, with 'unsafe-hashes', which
CSP requires for attributes). No other inline style and no inline script is allowed anywhere.
"""

from __future__ import annotations

import base64
import hashlib

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

ADMIN_INLINE_STYLES = ("border-top: 0",)


def _style_hash(declaration: str) -> str:
    digest = hashlib.sha256(declaration.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


ADMIN_STYLE_SOURCES = ["'unsafe-hashes'", *(_style_hash(style) for style in ADMIN_INLINE_STYLES)]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("admin:index")):
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), *ADMIN_STYLE_SOURCES]
            parts.update = update
        return parts
