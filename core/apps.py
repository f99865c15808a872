from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares (formatting, form fields, spreadsheets, pagination); it imports nothing of the project."""

    name = "core"
    verbose_name = "Inti"
