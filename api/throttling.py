"""Throttling per token: each token (or each user's browser session) has its own budget of requests.

The rate is `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"]` (API_THROTTLE_RATE in the environment),
read on every request so that a changed setting applies at once. Counts live in the
default cache: per process with the local-memory cache, shared by every host with Redis.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
