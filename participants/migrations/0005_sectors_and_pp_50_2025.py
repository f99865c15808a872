"""Sectors of work, the sector of each occupation, and the relief of PP 50/2025: all editable in the admin.

PP 50/2025 (promulgated 22/12/2025): BPU participants pay 50 % of their JKK and JKM
contributions (JHT unchanged) for contribution months 01/2026–03/2027 in the transport
sector and 04/2026–12/2026 in every other sector, except when JKK and JKM are paid
through the APBN or APBD. APB Nagari/Desa is neither, so it keeps the relief. The rate
of PP 44/2015 stays as it is; only its legal basis names the latest amendment when the
admin has not changed the text. Rows the admin already made are left alone.
"""

import datetime
from decimal import Decimal

from django.db import migrations

SECTORS = {
    "pertanian": "Pertanian, perkebunan, peternakan dan perikanan",
    "perdagangan": "Perdagangan",
    "konstruksi": "Konstruksi",
    "transportasi": "Transportasi",
    "pemerintahan-desa": "Pemerintahan nagari/desa",
    "jasa-kemasyarakatan": "Jasa kemasyarakatan",
    "lainnya": "Lainnya",
}
OCCUPATION_SECTORS = {
    "petani": "pertanian",
    "pekebun": "pertanian",
    "peternak": "pertanian",
    "nelayan": "pertanian",
    "pedagang": "perdagangan",
    "buruh_harian_lepas": "lainnya",
    "pekerja_konstruksi": "konstruksi",
    "pengemudi_ojek": "transportasi",
    "perangkat": "pemerintahan-desa",
    "kader": "jasa-kemasyarakatan",
    "lainnya": "lainnya",
}
PP_50_2025 = "PP 50/2025"
OLD_BASIS = "PP 44/2015 jo. PP 82/2019 (peserta Bukan Penerima Upah)"
NEW_BASIS = "PP 44/2015 sebagaimana diubah terakhir dengan PP 49/2023 (peserta Bukan Penerima Upah)"
# Funding sources whose JKK and JKM come from the APBN or APBD (FundingSource values).
PUBLIC_BUDGETS = ["apbd"]


def add_rules(apps, schema_editor):
    Sector = apps.get_model("participants", "Sector")
    OccupationSector = apps.get_model("participants", "OccupationSector")
    Adjustment = apps.get_model("participants", "ContributionAdjustment")
    ContributionRate = apps.get_model("participants", "ContributionRate")
    sectors = {
        code: Sector.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in SECTORS.items()
    }
    for occupation, code in OCCUPATION_SECTORS.items():
        OccupationSector.objects.get_or_create(occupation=occupation, defaults={"sector": sectors[code]})
    ContributionRate.objects.filter(regulation=OLD_BASIS).update(regulation=NEW_BASIS)
    if Adjustment.objects.filter(regulation=PP_50_2025).exists():
        return
    common = {
        "percent": Decimal(50),
        "on_jkk": True,
        "on_jkm": True,
        "on_jht": False,
        "funding_scope": "kecuali",
        "funding_sources": PUBLIC_BUDGETS,
        "regulation": PP_50_2025,
    }
    transport = Adjustment.objects.create(
        name="Keringanan iuran JKK dan JKM BPU sektor transportasi",
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2027, 3, 1),
        sector_scope="hanya",
        **common,
    )
    transport.sectors.set([sectors["transportasi"]])
    others = Adjustment.objects.create(
        name="Keringanan iuran JKK dan JKM BPU di luar sektor transportasi",
        valid_from=datetime.date(2026, 4, 1),
        valid_to=datetime.date(2026, 12, 1),
        sector_scope="kecuali",
        **common,
    )
    others.sectors.set([sectors["transportasi"]])


def remove_rules(apps, schema_editor):
    apps.get_model("participants", "ContributionAdjustment").objects.filter(regulation=PP_50_2025).delete()
    apps.get_model("participants", "ContributionRate").objects.filter(regulation=NEW_BASIS).update(regulation=OLD_BASIS)
    apps.get_model("participants", "OccupationSector").objects.all().delete()
    apps.get_model("participants", "Sector").objects.filter(adjustments=None).delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0004_contribution_rules")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
