from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "reconciliation"
    verbose_name = "Rekonsiliasi sistem inti"

    def ready(self) -> None:
        # The two extract shapes join the one import pipeline's list of kinds (participants.imports.batch.KINDS):
        # registered from here, since participants imports nothing of this app.
        from participants.imports.batch import KINDS
        from reconciliation import jobs  # noqa: F401  (registers the job kinds)
        from reconciliation.imports import EXTRACT_KINDS

        for kind in EXTRACT_KINDS:
            KINDS.setdefault(kind.key, kind)
