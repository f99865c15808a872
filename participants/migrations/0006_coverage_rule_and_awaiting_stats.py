"""The grace of the coverage rule as rules data (Perdir BPJS Ketenagakerjaan 22/PERDIR.02/072022: at most 3
months of arrears), and the statistics columns of the status belum aktif and of lapses counted once per person.

The statistics table is not rebuilt here (the rule's code changes with later releases; a migration must not
run it): after migrating, run `manage.py refresh_stats`.
"""

import datetime

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def add_perdir_22_2022(apps, schema_editor):
    CoverageRule = apps.get_model("participants", "CoverageRule")
    if not CoverageRule.objects.exists():
        CoverageRule.objects.create(
            valid_from=datetime.date(2022, 7, 1),
            grace_months=3,
            regulation="Perdir BPJS Ketenagakerjaan Nomor 22/PERDIR.02/072022",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0005_sectors_and_pp_50_2025"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="villagemonthstat",
            name="awaiting_first_payment",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="awaiting_months",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_10",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_11",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_2",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_3",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_4",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_5",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_6",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_7",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_8",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="villagemonthstat",
            name="lapsed_again_9",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="CoverageRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "valid_from",
                    models.DateField(
                        help_text="Tanggal 1 bulan pertama.", unique=True, verbose_name="berlaku mulai bulan"
                    ),
                ),
                (
                    "grace_months",
                    models.PositiveSmallIntegerField(
                        help_text="Bulan tanpa iuran berturut-turut setelah bulan terbayar sebelum kepesertaan menjadi nonaktif.",
                        verbose_name="batas tunggakan (bulan)",
                    ),
                ),
                ("regulation", models.CharField(max_length=200, verbose_name="dasar hukum")),
            ],
            options={
                "verbose_name": "aturan masa tunggakan",
                "verbose_name_plural": "aturan masa tunggakan",
                "ordering": ["-valid_from"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("valid_from__day", 1)),
                        name="coverage_rule_first_of_month",
                        violation_error_message="Bulan berlaku ditulis sebagai tanggal 1.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("grace_months__lte", 24)),
                        name="coverage_rule_grace_at_most_24",
                        violation_error_message="Batas tunggakan paling lama 24 bulan.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalCoverageRule",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "valid_from",
                    models.DateField(
                        db_index=True, help_text="Tanggal 1 bulan pertama.", verbose_name="berlaku mulai bulan"
                    ),
                ),
                (
                    "grace_months",
                    models.PositiveSmallIntegerField(
                        help_text="Bulan tanpa iuran berturut-turut setelah bulan terbayar sebelum kepesertaan menjadi nonaktif.",
                        verbose_name="batas tunggakan (bulan)",
                    ),
                ),
                ("regulation", models.CharField(max_length=200, verbose_name="dasar hukum")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical aturan masa tunggakan",
                "verbose_name_plural": "historical aturan masa tunggakan",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(add_perdir_22_2022, migrations.RunPython.noop),
    ]
