from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API at /api/v1/: the pages' scope, services and indicators, for other tools and the phone."""

    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # drf-spectacular finds the token scheme by importing its extension once.
        from api import schema  # noqa: F401
