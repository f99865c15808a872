"""Matching an extract, each finding kind, and applying it (exactly what was chosen; a second time nothing)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from simple_history.utils import get_history_manager_for_model

from participants.models import Contribution, Participant, VillageMonthStat
from reconciliation import applying, services
from reconciliation.imports import name_key
from reconciliation.models import Extract, Finding, FindingKind, Shape, VillageResult
from tests.reconciliation.conftest import NOV, PAYMENT_HEADERS, kpj, xlsx

EXTRACT_DAY = datetime.date(2026, 12, 10)


def upload_and_match(user, content: bytes, *, name: str = "ekstrak.xlsx", shape: str = "") -> Extract:
    extract = services.extract_upload(user=user, name=name, content=content, shape=shape, extract_date=EXTRACT_DAY)
    return services.extract_confirm(extract=extract, user=user)


def kinds(extract: Extract, kind: str) -> list[Finding]:
    return list(extract.findings.filter(kind=kind).order_by("name", "month"))


@pytest.fixture
def matched(branch, staff_user) -> Extract:
    return upload_and_match(staff_user, xlsx(PAYMENT_HEADERS, branch.rows))


def test_upload_previews_and_writes_nothing(branch, staff_user):
    before = (Participant.objects.count(), Contribution.objects.count())
    extract = services.extract_upload(
        user=staff_user,
        name="ekstrak.xlsx",
        content=xlsx(PAYMENT_HEADERS, branch.rows),
        shape="",
        extract_date=EXTRACT_DAY,
    )
    assert extract.shape == Shape.PAYMENTS
    assert extract.batch.summary["counts"]["new"] == len(branch.rows)
    assert (
        extract.mapping["NO_KPJ"] == "kpj"
        and extract.mapping["BLTH"] == "month"
        and extract.mapping["KEL/DESA"] == "village"
    )
    assert not Finding.objects.exists()
    assert (Participant.objects.count(), Contribution.objects.count()) == before


def test_every_kind_of_disagreement_is_found_and_counted(branch, matched):
    b = branch
    assert [f.participant for f in kinds(matched, FindingKind.AGREE)] == [b.agree]
    assert [(f.participant, f.month) for f in kinds(matched, FindingKind.MISSING_HERE)] == [(b.missing, NOV)]
    assert [(f.participant, f.month) for f in kinds(matched, FindingKind.UNPAID_IN_CORE)] == [(b.extra, NOV)]
    assert [(f.participant, f.kpj) for f in kinds(matched, FindingKind.KPJ_MISSING)] == [(b.no_kpj, kpj(4))]
    [conflict] = kinds(matched, FindingKind.CONFLICT)
    assert conflict.participant == b.conflict and "milik NIK lain" in conflict.detail
    [moved] = kinds(matched, FindingKind.OTHER_VILLAGE)
    assert moved.participant == b.moved and "Sikalang" in moved.detail
    [unknown] = kinds(matched, FindingKind.CORE_ONLY)
    assert unknown.nik == b.unknown_nik and unknown.village.name == "Sikalang" and unknown.participant is None
    # A payment list does not say who is registered: no "here only" from it.
    assert kinds(matched, FindingKind.HERE_ONLY) == []
    assert matched.summary["counts"] == {
        "sesuai": 1,
        "hanya_inti": 1,
        "hanya_sini": 0,
        "bulan_kurang": 1,
        "bulan_lebih": 1,
        "konflik": 1,
        "beda_desa": 1,
        "kpj_kosong": 1,
        "jumlah": 0,
    }


def test_village_results_and_data_quality(branch, matched, batang_barus, sikalang):
    result = VillageResult.objects.get(extract=matched, village=batang_barus)
    # Six persons compared in Batang Barus, one agreeing in every respect.
    assert result.persons == 6
    assert str(result.quality) == "16.7"
    other = VillageResult.objects.get(extract=matched, village=sikalang)
    assert other.counts["hanya_inti"] == 1 and other.persons == 1 and str(other.quality) == "0.0"


def test_names_are_compared_leniently():
    assert name_key("H. Ahmad Yani, S.Pd") == name_key("AHMAD  YANI") == "ahmad yani"
    assert name_key("Hj. Siti  Aminah") == name_key("siti aminah")
    assert name_key("Siti Aminah") != name_key("Siti Rahmah")


def test_name_and_birth_date_disagreeing_are_conflicts(branch, staff_user):
    rows = [
        [kpj(2), branch.missing.nik, "Budi Santoso", "202609", "8.400", "", "", ""],
    ]
    extract = upload_and_match(staff_user, xlsx(PAYMENT_HEADERS, rows))
    [conflict] = kinds(extract, FindingKind.CONFLICT)
    assert "Nama berbeda" in conflict.detail
    assert kinds(extract, FindingKind.MISSING_HERE) == []  # a conflict is not a match: its months are not compared


def test_nik_under_two_kpjs_is_a_conflict(branch, staff_user):
    rows = [[kpj(2), branch.missing.nik, branch.missing.name, "202609", "", "", "", ""],
            [kpj(9), branch.missing.nik, branch.missing.name, "202610", "", "", "", ""]]  # fmt: skip
    extract = upload_and_match(staff_user, xlsx(PAYMENT_HEADERS, rows))
    [conflict] = kinds(extract, FindingKind.CONFLICT)
    assert "dua KPJ" in conflict.detail


def test_an_amount_that_disagrees_with_the_rules_is_a_finding(branch, staff_user):
    rows = [[kpj(1), branch.agree.nik, "Ahmad Yani", "11-2026", "20.000", "", "", ""]]
    extract = upload_and_match(staff_user, xlsx(PAYMENT_HEADERS, rows))
    [amount] = kinds(extract, FindingKind.AMOUNT)
    assert "20.000" in amount.detail and "aturan iuran" in amount.detail


def test_apply_changes_exactly_what_was_chosen_and_twice_nothing(branch, matched, staff_user, sikalang):
    contributions, participants = Contribution.objects.count(), Participant.objects.count()
    unknown = kinds(matched, FindingKind.CORE_ONLY)[0]
    written = applying.extract_apply(
        extract=matched, user=staff_user, add_months=True, fill_kpj=False, register={unknown.pk: sikalang}
    )
    assert written["registered"] == 1 and written["kpj"] == 0
    # The missing month of `missing`, and the two months the new worker paid.
    assert written["months"] == 3
    assert Contribution.objects.count() == contributions + 3
    assert Participant.objects.count() == participants + 1
    registered = Participant.objects.get(nik=branch.unknown_nik)
    assert registered.village == sikalang and registered.kpj == kpj(8) and registered.name == "Siti Aminah"
    added = Contribution.objects.get(participant=branch.missing, month=NOV)
    assert added.history.first().history_change_reason.startswith("ekstrak sistem inti 10/12/2026")
    assert registered.history.first().history_change_reason == "ekstrak sistem inti 10/12/2026"
    # Not chosen: the KPJ stays empty. Never deleted: the month unpaid in core stays.
    assert Participant.objects.get(pk=branch.no_kpj.pk).kpj is None
    assert Contribution.objects.filter(participant=branch.extra, month=NOV).exists()
    # The statistics follow: Batang Barus's active count of 11/2026 now includes `missing`.
    assert VillageMonthStat.objects.get(village=branch.missing.village, month=NOV).active == 3
    history = get_history_manager_for_model(Contribution).count()
    again = applying.extract_apply(
        extract=matched, user=staff_user, add_months=True, fill_kpj=False, register={unknown.pk: sikalang}
    )
    assert again == {"registered": 0, "kpj": 0, "months": 0, "refused": []}
    assert Contribution.objects.count() == contributions + 3
    assert get_history_manager_for_model(Contribution).count() == history


def test_fill_kpj_only(branch, matched, staff_user):
    written = applying.extract_apply(extract=matched, user=staff_user, add_months=False, fill_kpj=True, register={})
    assert written == {"registered": 0, "kpj": 1, "months": 0, "refused": []}
    assert Participant.objects.get(pk=branch.no_kpj.pk).kpj == kpj(4)
    assert not Contribution.objects.filter(participant=branch.missing, month=NOV).exists()


def test_a_month_before_enrolment_is_refused_not_written(branch, staff_user):
    rows = [[kpj(1), branch.agree.nik, "Ahmad Yani", "12/2023", "", "", "", ""]]
    extract = upload_and_match(staff_user, xlsx(PAYMENT_HEADERS, rows))
    assert [f.month for f in kinds(extract, FindingKind.MISSING_HERE)] == [datetime.date(2023, 12, 1)]
    written = applying.extract_apply(extract=extract, user=staff_user, add_months=True, fill_kpj=False, register={})
    assert written["months"] == 0 and "sebelum bulan daftar" in written["refused"][0]


def test_only_branch_staff_upload_confirm_and_apply(branch, matched, official, head_user):
    for user in (official, head_user):
        with pytest.raises(PermissionDenied):
            services.extract_upload(user=user, name="e.xlsx", content=b"x", shape="", extract_date=EXTRACT_DAY)
        with pytest.raises(PermissionDenied):
            applying.extract_apply(extract=matched, user=user, add_months=True, fill_kpj=True, register={})


def test_participant_list_shape(branch, staff_user, batang_barus):
    from tests.reconciliation.conftest import PARTICIPANT_HEADERS

    b = branch
    rows = [
        [
            kpj(1),
            b.agree.nik,
            "Ahmad Yani",
            "14/03/1985",
            "L",
            "10/01/2024",
            "JKK, JKM",
            "AKTIF",
            "112026",
            "Batang Barus",
        ],
        [kpj(2), b.missing.nik, b.missing.name, "14-03-1985", "L", "10/01/2024", "JKK, JKM", "AKTIF", "Nov 2026", ""],
        [kpj(3), b.extra.nik, b.extra.name, "", "", "", "", "", "Okt 2026", ""],
        [kpj(4), b.no_kpj.nik, b.no_kpj.name, "", "", "", "", "", "09/2026", ""],
        [kpj(6), b.moved.nik, b.moved.name, "", "", "", "", "", "09/2026", ""],
    ]
    extract = upload_and_match(staff_user, xlsx(PARTICIPANT_HEADERS, rows), shape=Shape.PARTICIPANTS)
    assert extract.shape == Shape.PARTICIPANTS
    assert [(f.participant, f.month) for f in kinds(extract, FindingKind.MISSING_HERE)] == [(b.missing, NOV)]
    assert [(f.participant, f.month) for f in kinds(extract, FindingKind.UNPAID_IN_CORE)] == [(b.extra, NOV)]
    # Registered here, not listed: conflict (its NIK is absent), and the Sikalang worker.
    assert {f.participant for f in kinds(extract, FindingKind.HERE_ONLY)} == {b.conflict, b.here_only}
    assert {f.participant for f in kinds(extract, FindingKind.AGREE)} == {b.agree, b.moved}


def test_remembered_header_mapping(branch, staff_user):
    rows = [[kpj(1), branch.agree.nik, "Ahmad Yani", "202611", "8.400", "", "", "", "x"]]
    headers = [*PAYMENT_HEADERS, "CATATAN"]
    headers[0] = "ID KARTU"  # no synonym: read as nothing until the user maps it
    extract = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(headers, rows), shape="", extract_date=EXTRACT_DAY
    )
    assert extract.mapping["ID KARTU"] == ""
    fresh = services.extract_remap(extract=extract, user=staff_user, choices={"ID KARTU": "kpj", "KANAL": ""})
    assert fresh.mapping["ID KARTU"] == "kpj" and fresh.mapping["KANAL"] == ""
    assert not Extract.objects.filter(pk=extract.pk).exists()
    # Remembered for the next upload of that shape.
    again = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(headers, rows), shape="", extract_date=EXTRACT_DAY
    )
    assert again.mapping["ID KARTU"] == "kpj" and again.mapping["KANAL"] == ""


def test_a_filled_kpj_keeps_its_history(branch, matched, staff_user):
    applying.extract_apply(extract=matched, user=staff_user, add_months=False, fill_kpj=True, register={})
    participant = Participant.objects.get(pk=branch.no_kpj.pk)
    assert participant.history.first().history_change_reason == "ekstrak sistem inti 10/12/2026"
    assert participant.history.first().kpj == kpj(4)


def test_unknown_month_header_is_mapped_by_hand_with_the_shape(branch, staff_user):
    """A payment list whose month header no synonym knows reads as a participant list whose rows lack a name...
    until staff choose the shape and map the header in the preview; the next upload remembers it."""
    headers = ["NO_KPJ", "NIK", "NAMA", "BLN_TH_IURAN_PST"]
    rows = [[kpj(2), branch.missing.nik, branch.missing.name, "11/2026"]]
    extract = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(headers, rows), shape="", extract_date=EXTRACT_DAY
    )
    assert extract.shape == Shape.PARTICIPANTS and extract.mapping["BLN_TH_IURAN_PST"] == ""
    fresh = services.extract_remap(
        extract=extract, user=staff_user, choices={"BLN_TH_IURAN_PST": "month"}, shape=Shape.PAYMENTS
    )
    assert fresh.shape == Shape.PAYMENTS and fresh.mapping["BLN_TH_IURAN_PST"] == "month"
    matched = services.extract_confirm(extract=fresh, user=staff_user)
    assert [(f.participant, f.month) for f in kinds(matched, FindingKind.MISSING_HERE)] == [(branch.missing, NOV)]
    again = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(headers, rows), shape="", extract_date=EXTRACT_DAY
    )
    assert again.shape == Shape.PAYMENTS


def test_a_file_without_nik_or_kpj_header(staff_user, branch):
    from participants.imports import ImportFileError

    with pytest.raises(ImportFileError, match="harus memuat kolom NIK atau nomor KPJ"):
        services.extract_upload(
            user=staff_user, name="e.xlsx", content=xlsx(["A", "B"], [["1", "2"]]), shape="", extract_date=EXTRACT_DAY
        )


@pytest.mark.parametrize(
    ("written", "other_village"),
    [
        ("Koto Baru", True),  # four nagari of that name, none of them Batang Barus: another village all the same
        ("NAGARI BATANG BARUS", False),  # the participant's own, with its kind before it
        ("Desa Sikalang", True),
        ("Tidak Dikenal", False),  # a village no one knows: nothing can be said
    ],
)
def test_a_village_named_by_a_shared_or_prefixed_name(branch, staff_user, written, other_village):
    rows = [[kpj(1), branch.agree.nik, "Ahmad Yani", "202611", "8.400", "", "", written]]
    extract = upload_and_match(staff_user, xlsx(PAYMENT_HEADERS, rows))
    assert bool(kinds(extract, FindingKind.OTHER_VILLAGE)) is other_village
