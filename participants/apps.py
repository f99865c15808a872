from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Peserta dan Iuran"

    def ready(self) -> None:
        # The statistics refresh of single writes, and the background jobs of imports and statistics.
        from participants import jobs, signals  # noqa: F401
