"""GET /api/v1/contribution-rules/: the rules the phones cache to price months offline, the same for every role."""

from __future__ import annotations

from decimal import Decimal

from participants.rules import ContributionAdjustment, ContributionRate, OccupationSector


def test_the_rules_are_the_admin_s_data(official_api, django_assert_num_queries):
    with django_assert_num_queries(6):  # token, its last use, rates, reliefs, their sectors, occupations' sectors
        response = official_api.get("/api/v1/contribution-rules/")
    assert response.status_code == 200
    data = response.json()
    rates = list(ContributionRate.objects.order_by("valid_from"))
    assert [rate["valid_from"] for rate in data["rates"]] == [f"{rate.valid_from:%Y-%m}" for rate in rates]
    assert [Decimal(rate["jkk_percent"]) for rate in data["rates"]] == [rate.jkk_percent for rate in rates]
    assert [rate["jkm_amount"] for rate in data["rates"]] == [rate.jkm_amount for rate in rates]
    reliefs = {adjustment.name: adjustment for adjustment in ContributionAdjustment.objects.all()}
    assert {relief["name"] for relief in data["adjustments"]} == set(reliefs)
    for relief in data["adjustments"]:
        assert relief["programmes"] == reliefs[relief["name"]].programmes
        assert relief["sectors"] == sorted(reliefs[relief["name"]].sectors.values_list("pk", flat=True))
    assert data["occupation_sectors"] == dict(OccupationSector.objects.values_list("occupation", "sector_id"))
    assert "13" in data["nik_provinces"] and "99" not in data["nik_provinces"]
    assert data["payment_periods"] == [1, 3, 6, 12]
    assert response["Cache-Control"] == "private, no-cache"


def test_the_rules_refuse_writes(staff_api):
    assert staff_api.post("/api/v1/contribution-rules/", {}, format="json").status_code == 405
