"""The default anev rubric (explained in docs/anev.md). Edit it in the admin; this only creates it once."""

from decimal import Decimal

from django.db import migrations

RUBRIC_NAME = "Rubrik Standar Desa Sadar"
RUBRIC_DESCRIPTION = (
    "Rubrik bawaan anev tiga tahunan: empat pilar (pertumbuhan, keberlanjutan, pemahaman, keterikatan), "
    "tiap indikator diberi skor 1–5 menurut ambangnya, skor pilar = rata-rata berbobot, "
    "skor total = rata-rata keempat pilar."
)

# indicator, pillar, weight, higher_is_better, thresholds for scores 2, 3, 4, 5
ITEMS = [
    ("coverage", "pertumbuhan", "2", True, ("1", "2.5", "5", "10")),
    ("growth_rate", "pertumbuhan", "1", True, ("0", "5", "15", "30")),
    ("target_attainment", "pertumbuhan", "1", True, ("40", "60", "80", "100")),
    ("retention", "keberlanjutan", "2", True, ("50", "65", "80", "90")),
    ("collection_rate", "keberlanjutan", "2", True, ("50", "65", "80", "90")),
    ("lapse_rate", "keberlanjutan", "1", False, ("40", "25", "15", "5")),
    ("socialisation_reach", "pemahaman", "1", True, ("2", "5", "10", "20")),
    ("voluntary_share", "pemahaman", "1", True, ("10", "25", "40", "60")),
    ("claims_count", "pemahaman", "1", True, ("1", "2", "3", "5")),
    ("commitment", "keterikatan", "2", True, ("1", "2", "3", "4")),
    ("activities", "keterikatan", "1", True, ("1", "2", "4", "6")),
    ("apparatus_covered", "keterikatan", "1", True, ("25", "50", "75", "100")),
]

CATEGORIES = [
    ("Mandiri", "4.00", "Kepesertaan tumbuh dan terjaga; desa menjalankan program secara mandiri."),
    ("Berkembang", "3.00", "Berjalan baik di sebagian besar pilar; perkuat pilar yang tertinggal."),
    ("Perlu Pembinaan", "2.00", "Perlu pendampingan rutin cabang pada pilar yang lemah."),
    ("Perlu Revitalisasi", "0.00", "Program perlu dihidupkan kembali: komitmen, agen dan sosialisasi ulang."),
]


def create_default_rubric(apps, schema_editor):
    Rubric = apps.get_model("evaluations", "Rubric")
    RubricItem = apps.get_model("evaluations", "RubricItem")
    Category = apps.get_model("evaluations", "Category")
    rubric, created = Rubric.objects.get_or_create(name=RUBRIC_NAME, defaults={"description": RUBRIC_DESCRIPTION})
    if not created:
        return
    RubricItem.objects.bulk_create(
        RubricItem(
            rubric=rubric,
            indicator=indicator,
            pillar=pillar,
            weight=Decimal(weight),
            higher_is_better=higher,
            threshold_2=Decimal(t2),
            threshold_3=Decimal(t3),
            threshold_4=Decimal(t4),
            threshold_5=Decimal(t5),
        )
        for indicator, pillar, weight, higher, (t2, t3, t4, t5) in ITEMS
    )
    Category.objects.bulk_create(
        Category(rubric=rubric, name=name, min_score=Decimal(min_score), description=description)
        for name, min_score, description in CATEGORIES
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_pillarscore_baseline_score"),
    ]

    operations = [
        migrations.RunPython(create_default_rubric, migrations.RunPython.noop),
    ]
