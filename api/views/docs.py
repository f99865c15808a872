"""The schema and its Swagger UI, served from the app (drf-spectacular-sidecar), no CDN.

The page passes the project's Content-Security-Policy unchanged: the UI's start-up
script is a separate same-origin file (drf-spectacular's split view) and the one
inline style of drf-spectacular's template is replaced by a stylesheet
(templates/api/swagger_ui.html, api/static/api/docs.css).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; `?format=json` for JSON), for signed-in users and tokens."""

    permission_classes = [IsAuthenticated]


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "API Desa Sadar Jamsostek"


schema = SchemaView.as_view()
# A person reads the docs in the browser: without a session they are sent to the login page.
swagger = login_required(SwaggerView.as_view(url_name="api:schema"))
