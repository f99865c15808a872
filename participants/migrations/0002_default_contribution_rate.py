"""The BPU rates in force since the programme began (PP 44/2015 as amended): editable in the admin."""

import datetime
from decimal import Decimal

from django.db import migrations


def add_rate(apps, schema_editor):
    ContributionRate = apps.get_model("participants", "ContributionRate")
    ContributionRate.objects.get_or_create(
        valid_from=datetime.date(2015, 7, 1),
        defaults={
            "jkk_percent": Decimal("1.00"),
            "jkm_amount": 6800,
            "jht_percent": Decimal("2.00"),
            "minimum_income": 1_000_000,
            "regulation": "PP 44/2015 jo. PP 82/2019 (peserta Bukan Penerima Upah)",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]

    operations = [migrations.RunPython(add_rate, migrations.RunPython.noop)]
