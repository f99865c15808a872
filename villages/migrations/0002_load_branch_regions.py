"""Loads the real branch area: 6 regencies/cities, 46 kecamatan, 277 villages (Kemendagri 2025 codes)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
POPULATION_SOURCE = "Kepmendagri 300.2.2-2138/2025"


def load_regions(apps, schema_editor):
    Regency = apps.get_model("villages", "Regency")
    District = apps.get_model("villages", "District")
    Village = apps.get_model("villages", "Village")
    with open(DATA / "penduduk_kabupaten_2025.csv", encoding="utf-8") as handle:
        population = {row["code"]: int(row["total"]) for row in csv.DictReader(handle)}
    with open(DATA / "wilayah_cabang_solok.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    regencies, districts = {}, {}
    for row in rows:
        if row["level"] == "regency":
            regencies[row["code"]], _ = Regency.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "population": population.get(row["code"]),
                    "population_source": POPULATION_SOURCE if row["code"] in population else "",
                    "population_year": 2025 if row["code"] in population else None,
                },
            )
    for row in rows:
        if row["level"] == "district":
            districts[row["code"]], _ = District.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "regency": regencies[row["code"][:5]]}
            )
    for row in rows:
        if row["level"] == "village":
            Village.objects.update_or_create(
                code=row["code"],
                defaults={"name": row["name"], "kind": row["kind"], "district": districts[row["code"][:8]]},
            )


class Migration(migrations.Migration):
    dependencies = [("villages", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
