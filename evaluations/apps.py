from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "Indikator dan Anev"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from evaluations import jobs  # noqa: F401  (registers the background job of the branch summary PDF)
        from villages.permissions import ensure_roles

        # The last app of the project: by the time its post_migrate fires, the
        # permissions of every app exist, so the roles can be given them.
        post_migrate.connect(ensure_roles, sender=self)
