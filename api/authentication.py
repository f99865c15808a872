"""Who is calling: a personal API token (`Authorization: Bearer dsj_…`), or the browser's session.

The token's request runs as its user, so it has exactly that user's role and villages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from api.services import token_authenticate

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Tulis header Authorization sebagai: Bearer <token>."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = token_authenticate(raw=raw) if raw else None
        if token is None:
            raise AuthenticationFailed(_("Token API tidak dikenal atau sudah dicabut."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        # A 401 (not a 403) for a request without credentials, telling the client how to authenticate.
        return 'Bearer realm="api"'
