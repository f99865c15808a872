"""Participant rows: a village's list of workers, each row registering a new participant or updating one.

A row whose NIK is already registered in the user's villages would update that participant: the preview
shows every changed field old → new, and the change is applied only when the user chooses it
(`batch.import_confirm`). A change that contradicts the recorded history (enrolment after paid months,
exit before them) or a date outside the plausible range is an error row, as in the services
(`services.dates_problems`). A NIK registered in another village is an error that, like the registration
form, tells a village official only whom to ask. The checks are the model's own (`Participant.clean`, NIK
against birth date and sex), so a row is accepted exactly when the registration form would accept it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from core.formatting import format_rupiah
from core.parsing import parse_date, parse_rupiah, text
from participants.imports.columns import Column
from participants.imports.kinds import RefreshesStatistics, RowResult, choice_labels
from participants.imports.reading import Table
from participants.models import Contribution, FundingSource, ImportBatch, Occupation, Participant
from participants.parsing import (
    NikProblem,
    alnum,
    parse_digits,
    parse_funding,
    parse_nik,
    parse_occupation,
    parse_sex,
    parse_yes_no,
)
from participants.services import NIK_ELSEWHERE, dates_problems
from villages.models import Village

# The fields a row sets; the rest (exit, history) stays as it is.
PARTICIPANT_FIELDS = (
    "village",
    "name",
    "sex",
    "birth_date",
    "occupation",
    "monthly_income",
    "funding_source",
    "enrolled_on",
    "phone",
    "kpj",
    "has_jht",
    "hamlet",
)


# The required fields read by a parser each, in the order their errors are told.
READERS = (
    ("sex", parse_sex),
    ("birth_date", parse_date),
    ("occupation", parse_occupation),
    ("monthly_income", parse_rupiah),
    ("funding_source", parse_funding),
    ("enrolled_on", parse_date),
)


def reading_hint(key: str) -> str:
    """How to write a required field a row left empty or unreadable (built only for such a row)."""
    hints = {
        "sex": "Tulis L (laki-laki) atau P (perempuan).",
        "birth_date": "Tulis tanggal sebagai dd/mm/yyyy, misalnya 14/03/1985.",
        "occupation": "Pilih salah satu: " + choice_labels(Occupation) + ".",
        "monthly_income": "Tulis penghasilan dalam Rupiah, misalnya 1.500.000.",
        "funding_source": "Pilih salah satu: " + choice_labels(FundingSource) + ".",
        "enrolled_on": "Tulis tanggal sebagai dd/mm/yyyy, misalnya 02/01/2025.",
    }
    return hints[key]


class VillageLookup:
    """The user's villages by code, by name and by `Nagari Name`; a name shared by two villages is ambiguous."""

    def __init__(self, user):
        self.by_key: dict[str, Village | None] = {}
        self.villages = list(Village.objects.for_user(user))
        for village in self.villages:
            self.by_key[village.code] = village
            for key in (alnum(village.name), alnum(str(village))):
                self.by_key[key] = None if key in self.by_key and self.by_key[key] != village else village

    def find(self, value) -> tuple[Village | None, str | None]:
        raw = text(value)
        key = raw if raw in self.by_key else alnum(raw)
        if key not in self.by_key:
            return None, f"Desa '{raw}' tidak ditemukan di wilayah Anda. Tulis kode desa, misalnya 13.02.07.2006."
        village = self.by_key[key]
        if village is None:
            return None, f"Ada lebih dari satu desa bernama '{raw}'. Tulis kode desanya, misalnya 13.02.07.2006."
        return village, None


class ParticipantRows(RefreshesStatistics):
    key = ImportBatch.Kind.PARTICIPANTS.value
    permission = "participants.add_participant"
    sheet_title = "Peserta"
    columns = (
        Column("nik", "NIK", True, ("noktp", "nikktp", "nonik", "nomorinduk", "nomorindukkependudukan")),
        Column("name", "Nama", True, ("namalengkap", "namapeserta")),
        Column("sex", "Jenis Kelamin", True, ("jk", "lp", "kelamin", "gender")),
        Column(
            "birth_date",
            "Tanggal Lahir",
            True,
            ("tgllahir", "tanggallhr", "tempattanggallahir", "tempattgllahir", "ttl"),
        ),
        Column("occupation", "Pekerjaan", True, ("jenispekerjaan", "pekerjaanpeserta", "profesi")),
        Column(
            "monthly_income",
            "Penghasilan",
            True,
            ("penghasilanperbulan", "penghasilanbulan", "upah", "gaji", "pendapatan"),
        ),
        Column(
            "funding_source", "Sumber Dana", True, ("sumberdanaiuran", "sumberiuran", "sumberpendanaan", "pembiayaan")
        ),
        Column(
            "enrolled_on",
            "Tanggal Daftar",
            True,
            ("tgldaftar", "tanggalpendaftaran", "tanggalkepesertaan", "tanggalregistrasi", "tmtkepesertaan", "tmt"),
        ),
        Column(
            "phone", "No HP", False, ("nomorhp", "hp", "nohandphone", "telepon", "notelp", "nowa", "nohpwa", "hpwa")
        ),
        Column("kpj", "No KPJ", False, ("nomorkpj", "kpj", "nokartu", "nomorkartu")),
        Column("has_jht", "JHT", False, ("ikutjht",)),
        Column("hamlet", "Jorong/Dusun", False, ("jorong", "dusun", "korong")),
        Column("village", "Desa", False, ("nagari", "desanagari", "kodedesa", "kelurahan", "namadesa", "namanagari")),
    )
    text_columns = frozenset({"nik", "kpj", "phone"})
    extra_headers = {"exit_date": "Tanggal Keluar", "exit_reason": "Alasan Keluar"}

    def __init__(self, *, user, village: Village | None) -> None:
        super().__init__(user=user, village=village)
        self.lookup = VillageLookup(user)
        self.default_village = village or (self.lookup.villages[0] if len(self.lookup.villages) == 1 else None)
        self.scope_ids = {village.pk for village in self.lookup.villages}
        self.seen_nik: dict[str, int] = {}
        self.seen_kpj: dict[str, int] = {}

    @classmethod
    def template_choices(cls) -> dict[str, list[str]]:
        return {
            "sex": ["L", "P"],
            "occupation": [str(label) for label in Occupation.labels],
            "funding_source": [str(label) for label in FundingSource.labels],
            "has_jht": ["Ya", "Tidak"],
        }

    @classmethod
    def column_hints(cls) -> dict[str, str]:
        return {
            "nik": "16 angka. Kolom ini berformat Teks: jangan ubah menjadi Angka, Excel akan memotong digit terakhir.",
            "sex": "L atau P.",
            "birth_date": "dd/mm/yyyy, misalnya 14/03/1985.",
            "enrolled_on": "dd/mm/yyyy.",
            "occupation": choice_labels(Occupation),
            "monthly_income": "Rupiah, misalnya 1.500.000.",
            "funding_source": choice_labels(FundingSource),
            "has_jht": "Ya atau Tidak (kosong = Tidak).",
            "village": "Kode desa (13.02.07.2006) atau nama; wajib bila Anda mengimpor untuk beberapa desa.",
            "kpj": "11 angka, bila sudah punya kartu.",
        }

    def parse(self, table: Table, number: int, cells: tuple) -> RowResult:
        result = RowResult(row=number, cells=cells)
        values: dict = {}
        try:
            values["nik"] = parse_nik(table.cell(cells, "nik"))
        except NikProblem as problem:
            result.fail("NIK", str(problem))
        values["name"] = text(table.cell(cells, "name"))
        result.label = values["name"]
        if not values["name"]:
            result.fail("Nama", "Nama wajib diisi.")
        for key, reader in READERS:
            cell = table.cell(cells, key)
            value = reader(cell)
            if value is None:
                said = f" (tertulis: {text(cell)})" if text(cell) else ""
                result.fail(
                    self.header_of(key),
                    ("Wajib diisi. " if not text(cell) else "Tidak terbaca" + said + ". ") + reading_hint(key),
                )
            values[key] = value
        if values.get("enrolled_on") and values["enrolled_on"] > timezone.localdate():
            result.fail("Tanggal Daftar", "Tanggal daftar tidak boleh di masa depan.")
        if "phone" in table.columns:
            phone = parse_digits(table.cell(cells, "phone"))
            if phone and phone[0] == "8":
                phone = "0" + phone  # a number-formatted cell dropped the leading 0
            values["phone"] = phone or None
        if "kpj" in table.columns:
            kpj = parse_digits(table.cell(cells, "kpj"))
            values["kpj"] = kpj or None
        if "has_jht" in table.columns:
            cell = table.cell(cells, "has_jht")
            values["has_jht"] = parse_yes_no(cell) if text(cell) else None
            if text(cell) and values["has_jht"] is None:
                result.fail("JHT", f"Tulis Ya atau Tidak (tertulis: {text(cell)}).")
        if "hamlet" in table.columns:
            values["hamlet"] = text(table.cell(cells, "hamlet")) or None
        village_cell = table.cell(cells, "village")
        if text(village_cell):
            values["village"], problem = self.lookup.find(village_cell)
            if problem:
                result.fail("Desa", problem)
        else:
            values["village"] = None
        result.obj = values
        return result

    def classify(self, results: list[RowResult]) -> None:
        niks = [r.obj["nik"] for r in results if r.obj.get("nik")]
        kpjs = [r.obj["kpj"] for r in results if r.obj.get("kpj")]
        existing = {p.nik: p for p in Participant.objects.filter(nik__in=niks).select_related("village")}
        self.paid: dict[int, list] = {}
        for participant_id, month in Contribution.objects.filter(
            participant__in=[p.pk for p in existing.values() if p.village_id in self.scope_ids]
        ).values_list("participant_id", "month"):
            self.paid.setdefault(participant_id, []).append(month)
        kpj_owner = dict(Participant.objects.filter(kpj__in=kpjs).values_list("kpj", "nik"))
        for result in results:
            values = result.obj
            nik = values.get("nik")
            if nik:
                if nik in self.seen_nik:
                    result.fail("NIK", f"NIK ini sudah ada di baris {self.seen_nik[nik]} berkas ini.")
                else:
                    self.seen_nik[nik] = result.row
            kpj = values.get("kpj")
            if kpj:
                if kpj in self.seen_kpj:
                    result.fail("No KPJ", f"Nomor KPJ ini sudah ada di baris {self.seen_kpj[kpj]} berkas ini.")
                else:
                    self.seen_kpj[kpj] = result.row
                if kpj in kpj_owner and kpj_owner[kpj] != nik:
                    result.fail("No KPJ", "Nomor KPJ ini sudah dipakai peserta lain.")
            current = existing.get(nik) if nik else None
            if current is not None and current.village_id not in self.scope_ids:
                result.fail("NIK", str(NIK_ELSEWHERE))
                result.obj = None
                continue
            self._build(result, current)

    def _build(self, result: RowResult, current: Participant | None) -> None:
        values = result.obj
        village = values["village"] or (current.village if current else self.default_village)
        if village is None and not result.errors:
            result.fail("Desa", "Isi kolom Desa (kode atau nama desa) karena Anda bertugas di beberapa desa.")
        if result.errors:
            result.obj = None
            return
        participant = Participant(pk=current.pk, nik=current.nik) if current else Participant(nik=values["nik"])
        if current:
            for name in PARTICIPANT_FIELDS:
                setattr(participant, name, getattr(current, name))
            participant.exit_date, participant.exit_reason = current.exit_date, current.exit_reason
            participant.created_at = current.created_at
        participant.village = village
        for name in PARTICIPANT_FIELDS:
            if name == "village":
                continue
            if name in values and values[name] is not None:
                setattr(participant, name, values[name])
            elif current is None and name in ("phone", "hamlet"):
                setattr(participant, name, "")
        if current is None and values.get("has_jht") is None:
            participant.has_jht = False
        try:
            participant.clean_fields(exclude=["village"])
            participant.clean()
            problems = dates_problems(
                enrolled_on=participant.enrolled_on,
                exit_date=participant.exit_date,
                paid_months=self.paid.get(current.pk, []) if current else [],
            )
            if problems:
                raise ValidationError(problems)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    result.fail(self.header_of(name), message)
            result.obj = None
            return
        if current is None:
            result.status = "new"
        else:
            result.changed = [
                name for name in PARTICIPANT_FIELDS if getattr(participant, name) != getattr(current, name)
            ]
            result.diff = [
                (self.header_of(name), shown(current, name), shown(participant, name)) for name in result.changed
            ]
            result.status = "updated" if result.changed else "unchanged"
        result.obj = participant

    def apply(self, results: list[RowResult]) -> None:
        self.write(results, model=Participant)


def shown(obj: Model, name: str) -> str:
    """A field's value as the pages write it: dd/mm/yyyy, Rupiah, a choice's label, Ya/Tidak, "-" for empty."""
    value = getattr(obj, name)
    if value in (None, ""):
        return "-"
    if name == "monthly_income":
        return format_rupiah(value)
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if hasattr(value, "strftime"):
        return f"{value:%d/%m/%Y}"
    display = getattr(obj, f"get_{name}_display", None)
    return str(display()) if display else str(value)
