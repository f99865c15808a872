from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Peserta dan Iuran"

    def ready(self) -> None:
        from participants import signals  # noqa: F401  (connects the statistics refresh)
