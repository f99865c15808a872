"""The valid bodies of the POST half of the bad-input suite (tests/test_bad_input_post.py): for each form of the
world of the access matrix (tests/test_access_matrix.py World), a body its page accepts, and the uploads whose
rows each hold one hostile cell. Add here what a new row of POSTS needs."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from tests.bad_input import BODY_VALUES
from tests.factories import BATANG_BARUS, make_nik
from tests.test_access_matrix import World


def today() -> str:
    return f"{timezone.localdate():%d/%m/%Y}"


def this_month() -> str:
    return f"{timezone.localdate():%m/%Y}"


def participant_body(world: World, nik: str | None = None) -> dict:
    return {
        "village": world.village.pk,
        "nik": nik or make_nik(birth_date=datetime.date(1985, 3, 14), sex="L", serial=9001),
        "name": "Warga Baru",
        "sex": "L",
        "birth_date": "14/03/1985",
        "phone": "081234567890",
        "hamlet": "Jorong Koto",
        "occupation": "petani",
        "monthly_income": "1.500.000",
        "has_jht": "on",
        "funding_source": "mandiri",
        "enrolled_on": "10/01/2024",
        "kpj": "",
    }


def payment_body(world: World) -> dict:
    from participants.selectors import contribution_dues

    month = timezone.localdate().replace(day=1)
    dues = contribution_dues(
        participant=world.participant, first_month=month, months=1, with_jht=False, funding_source="mandiri"
    )
    return {
        "first_month": this_month(),
        "months": "1",
        "amount": str(sum(due.total for due in dues)),
        "paid_on": today(),
        "channel": "agen_perisai",
        "funding_source": "mandiri",
        "override_reason": "",
        "correction_reason": "",
    }


def claim_body(world: World) -> dict:
    world.contribution  # noqa: B018  (02/2024 paid: the event falls in a covered month)
    return {
        "programme": "JKK",
        "event_date": "15/02/2024",
        "paid_on": "20/02/2024",
        "amount": "5.000.000",
        "notes": "Kecelakaan di ladang",
        "override_reason": "",
    }


def activity_body(world: World) -> dict:
    return {
        "village": world.village.pk,
        "date": "02/05/2024",
        "kind": "sosialisasi",
        "title": "Sosialisasi",
        "attendees": "40",
        "enrolled_on_spot": "5",
        "notes": "",
    }


def action_body(world: World) -> dict:
    return {
        "action": "Sosialisasi ulang",
        "pillar": "pertumbuhan",
        "owner": "Wali nagari",
        "due_date": f"{timezone.localdate() + datetime.timedelta(days=90):%d/%m/%Y}",
        "status": "berjalan",
    }


def csv(rows: list[list[str]]) -> bytes:
    return "\n".join(";".join(cell.replace(";", ",").replace("\n", " ") for cell in row) for row in rows).encode()


def hostile_rows(header: list[str], valid: list[str], unique: int | None = None) -> bytes:
    """A list with the valid row, then one row per column and hostile text value (the column `unique`, the NIK,
    gets a fresh valid value in the other rows, so they are not refused as repeats)."""
    rows = [header, valid]
    values = [value for value in BODY_VALUES if isinstance(value, str) and "\x00" not in value]  # NUL: no text file
    serial = 9100
    for column in range(len(header)):
        for value in values:
            row = list(valid)
            if unique is not None and column != unique:
                serial += 1
                row[unique] = make_nik(birth_date=datetime.date(1985, 3, 14), sex="L", serial=serial)
            row[column] = value
            rows.append(row)
    return csv(rows)


PARTICIPANT_HEADER = ["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Pekerjaan", "Penghasilan", "Sumber Dana"]
PARTICIPANT_HEADER += ["Tanggal Daftar", "No HP", "No KPJ", "JHT", "Jorong/Dusun", "Desa"]


def participant_list(world: World) -> bytes:
    nik = make_nik(birth_date=datetime.date(1985, 3, 14), sex="L", serial=9002)
    valid = [nik, "Warga Impor", "L", "14/03/1985", "petani", "1500000", "mandiri", "10/01/2024"]
    return hostile_rows(PARTICIPANT_HEADER, [*valid, "0812", "", "ya", "Koto", BATANG_BARUS], unique=0)


def contribution_list(world: World) -> bytes:
    body = payment_body(world)
    valid = [world.participant.nik, this_month(), body["amount"], today(), "agen", "mandiri", ""]
    return hostile_rows(["NIK", "Bulan", "Jumlah", "Tanggal Bayar", "Saluran", "Sumber Dana", "Alasan"], valid)


def resident_list(world: World) -> bytes:
    valid = ["Koto", "Warga", make_nik(birth_date=datetime.date(1990, 5, 1), sex="L", serial=9003), "1"]
    header = ["dusun", "nama", "nik", "sex", "tanggallahir", "pekerjaan_id", "status_dasar"]
    return hostile_rows(header, [*valid, "01/05/1990", "88", "1"], unique=2)


def uploaded_batch(kind: str, content: Callable[[World], bytes], role: str = "official"):
    def kwargs(world: World) -> dict:
        from participants.imports import import_upload

        village = world.village if kind == "penduduk" else None
        user = world.users[role]
        batch = import_upload(user=user, kind=kind, name="daftar.csv", content=content(world), village=village)
        return {"pk": batch.pk}

    return kwargs


def evaluation_filled(world: World) -> None:
    from evaluations.services import evaluation_notes_update

    evaluation_notes_update(evaluation=world.evaluation, user=world.users["staff"], findings="F", recommendations="R")


def evaluation_submitted(world: World) -> None:
    from evaluations.services import evaluation_submit

    evaluation_filled(world)
    evaluation_submit(evaluation=world.evaluation, user=world.users["staff"])


def reset_link(world: World) -> dict:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from tests.factories import UserFactory

    user = UserFactory(username="lupa.sandi", email="lupa@example.com")  # never signed in: its link stays valid
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def core_extract(world: World) -> bytes:
    from tests.reconciliation.conftest import xlsx

    rows = [["", world.participant.nik, world.participant.name, "03/2024"], ["", "１２３", "=HYPERLINK(1)", "13/2024"]]
    return xlsx(["NO_KPJ", "NIK", "NAMA", "BLTH"], rows)


def token_shown(response) -> bool:
    return response.status_code == 200 and bool(response.context and response.context.get("created"))


def api_participant(world: World) -> dict:
    body = participant_body(world)
    body.update(birth_date="1985-03-14", enrolled_on="2024-01-10", monthly_income=1500000, has_jht=True)
    del body["kpj"]
    return body


def api_payment(world: World) -> dict:
    body = payment_body(world)
    month = timezone.localdate()
    del body["correction_reason"], body["override_reason"]
    return {
        **body,
        "first_month": f"{month:%Y-%m}",
        "paid_on": month.isoformat(),
        "months": 1,
        "amount": int(body["amount"]),
    }
