"""The four pillars the indicators and the anev rubric are grouped by."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Pillar(models.TextChoices):
    GROWTH = "pertumbuhan", _("Pertumbuhan")
    SUSTAINABILITY = "keberlanjutan", _("Keberlanjutan")
    AWARENESS = "pemahaman", _("Pemahaman")
    ENGAGEMENT = "keterikatan", _("Keterikatan")
