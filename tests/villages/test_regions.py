"""The real branch area loaded by migration: 6 regencies, 46 kecamatan, 277 villages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from villages.access import ROLE_ADMIN, ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF
from villages.models import District, Regency, Village

pytestmark = pytest.mark.django_db


def test_branch_area_counts():
    assert Regency.objects.count() == 6
    assert District.objects.count() == 46
    assert Village.objects.count() == 277


def test_village_kinds():
    kinds = {kind: Village.objects.filter(kind=kind).count() for kind in Village.Kind.values}
    assert kinds == {"nagari": 227, "desa": 27, "kelurahan": 23}


def test_regencies_with_codes_and_population():
    regencies = dict(Regency.objects.values_list("code", "name"))
    assert regencies == {
        "13.02": "Kabupaten Solok",
        "13.03": "Kabupaten Sijunjung",
        "13.10": "Kabupaten Dharmasraya",
        "13.11": "Kabupaten Solok Selatan",
        "13.72": "Kota Solok",
        "13.73": "Kota Sawahlunto",
    }
    solok = Regency.objects.get(code="13.02")
    assert (solok.population, solok.population_year) == (413_075, 2025)
    assert solok.population_source


def test_every_code_nests_in_its_parent():
    for village in Village.objects.select_related("district__regency"):
        assert village.code.startswith(village.district.code + ".")
        assert village.district.code.startswith(village.district.regency.code + ".")


def test_the_villages_of_the_demo_accounts():
    batang_barus = Village.objects.get(code="13.02.07.2006")
    assert (batang_barus.name, batang_barus.kind) == ("Batang Barus", Village.Kind.NAGARI)
    assert batang_barus.district.name == "Gunung Talang"
    sikalang = Village.objects.get(code="13.73.04.2010")
    assert (sikalang.name, sikalang.kind, sikalang.regency.name) == ("Sikalang", Village.Kind.DESA, "Kota Sawahlunto")
    assert str(sikalang) == "Desa Sikalang"


def test_no_village_is_in_the_programme_before_it_is_recorded():
    assert not Village.objects.in_programme().exists()


def test_roles_are_created_by_migrate():
    groups = {group.name: group for group in Group.objects.prefetch_related("permissions")}
    assert set(groups) >= {ROLE_ADMIN, ROLE_STAFF, ROLE_HEAD, ROLE_OFFICIAL}

    def codenames(role: str) -> set[str]:
        return {permission.codename for permission in groups[role].permissions.all()}

    assert "approve_villageevaluation" in codenames(ROLE_HEAD)
    assert "change_participant" not in codenames(ROLE_HEAD)
    assert {"add_participant", "add_contribution", "add_activity"} <= codenames(ROLE_OFFICIAL)
    assert "change_village" not in codenames(ROLE_OFFICIAL)
    assert "approve_villageevaluation" not in codenames(ROLE_STAFF)
    assert {"add_village", "change_contributionrate", "add_user"} <= codenames(ROLE_ADMIN)
