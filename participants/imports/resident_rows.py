"""Resident rows: a village's resident list as OpenSID exports it, replacing the village's last list.

OpenSID's resident workbook (`donjo-app/models/Import_model.php`) has one header row of its own column
names (`alamat, dusun, rw, rt, nama, no_kk, nik, sex, tempatlahir, tanggallahir, agama_id, …,
pekerjaan_id, …, status_dasar`); SIAK-style lists have the same data with readable names ("Jenis
Kelamin", "Pekerjaan" written out). Only the columns needed are read, the rest are ignored.

Read as OpenSID reads it: `sex` 1/2 or L/LK/P/PR or written out; `status_dasar` 1, 2, 3, 4, 6, 9 or
its name (PINDAH DALAM/LUAR NEGERI is 3); dates as Excel dates, Excel serial numbers, yyyy-mm-dd or
dd-mm-yyyy / dd/mm/yyyy (a leading apostrophe ignored); invisible characters in a NIK dropped; the
dusun without its "DUSUN " prefix and with `_` as a space; a row whose dusun is `###` ends the data
(OpenSID's import format ends so); title rows above the header row are skipped.

What a row becomes: a resident of the village with NIK, name, sex, birth date, dusun/jorong,
occupation code and `status_dasar`. A NIK from another region is normal (people move); a dead or
moved resident is kept with its status and counted out of the denominators. Refused with a reason: a
NIK that is not a valid 16-digit NIK, a NIK twice in the file, a missing or unreadable birth date,
an occupation that is not one of Dukcapil's codes. A NIK registered as an active participant of
another village is not an error: it is kept with the resident as a finding (`participant_village`),
which branch staff see with the village and an official only as "terdaftar sebagai peserta di desa
lain; hubungi kantor cabang" (`dashboards.resident_selectors.residents_elsewhere`).

No query per row: each chunk of 1,000 rows looks its NIKs up among participants in one query, and
confirming deletes the village's previous residents once and inserts the new ones chunk by chunk; after
the last chunk the denominators of the list are computed in the database (`resident_denominators_record`).
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.id import nik as stdnum_nik

from core.parsing import parse_date, text
from participants.imports.columns import Column
from participants.imports.kinds import ImportKind, RowResult
from participants.imports.reading import ImportFileError, Table
from participants.models import ImportBatch, Participant
from participants.parsing import NikProblem, alnum, parse_nik, parse_sex
from villages.models import Village
from villages.resident_services import resident_denominators_record
from villages.residents import OccupationCode, Resident, ResidentList, ResidentStatus

STATUS_WORDS = {
    "hidup": ResidentStatus.ALIVE,
    "mati": ResidentStatus.DEAD,
    "meninggal": ResidentStatus.DEAD,
    "pindah": ResidentStatus.MOVED,
    "pindahdalamnegeri": ResidentStatus.MOVED,
    "pindahluarnegeri": ResidentStatus.MOVED,
    "hilang": ResidentStatus.MISSING,
    "pergi": ResidentStatus.GONE,
    "tidakvalid": ResidentStatus.INVALID,
}
SEX_CODES = {"1": "L", "2": "P"}
BRACKETS = re.compile(r"\(.*?\)")
INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HAMLET_PREFIX = re.compile(r"(?i)^(dusun|jorong|korong)\s+")
# Spellings of SIAK/Dukcapil lists that differ from OpenSID's names (compared form → code).
OCCUPATION_SYNONYMS = {
    "belumbekerja": 1,
    "tidakbekerja": 1,
    "belumtidakbekerja": 1,
    "iburumahtangga": 2,
    "pelajar": 3,
    "mahasiswa": 3,
    "pns": 5,
    "pegawainegerisipil": 5,
    "tni": 6,
    "polri": 7,
    "kepolisianri": 7,
    "petani": 9,
    "pekebun": 9,
    "nelayan": 11,
    "imammasjid": 41,
    "penerjemah": 40,
    "ustadz": 45,
    "supir": 81,
    "wirausaha": 88,
}


class ResidentRows(ImportKind):
    key = ImportBatch.Kind.RESIDENTS.value
    permission = "villages.add_resident"
    sheet_title = "Penduduk"
    columns = (
        Column("hamlet", "dusun", True, ("jorong", "korong", "namadusun", "dusunjorong", "jorongdusun")),
        Column("name", "nama", True, ("namalengkap", "namapenduduk")),
        Column("nik", "nik", True, ("noktp", "nonik", "nomornik", "nomorindukkependudukan")),
        Column("sex", "sex", True, ("jeniskelamin", "jk", "kelamin", "lp")),
        Column("birth_date", "tanggallahir", True, ("tgllahir", "tanggallhr")),
        Column("occupation", "pekerjaan_id", True, ("pekerjaan", "jenispekerjaan", "kodepekerjaan", "namapekerjaan")),
        # Not "status penduduk": in OpenSID that is 1 tetap / 2 tidak tetap, not alive or dead.
        Column("status", "status_dasar", False, ("statusdasar",)),
    )
    text_columns = frozenset({"nik"})
    end_marker = ("hamlet", "###")

    def __init__(self, *, user, village: Village | None) -> None:
        super().__init__(user=user, village=village)
        if village is None:
            raise ImportFileError("Data penduduk diimpor untuk satu desa: buka halaman Data Penduduk desanya.")
        self.occupations: dict[int, OccupationCode] = {}
        self.occupation_words: dict[str, int] = {}
        for occupation in OccupationCode.objects.all():
            self.occupations[occupation.code] = occupation
            self.occupation_words[alnum(occupation.name)] = occupation.code
            self.occupation_words.setdefault(alnum(BRACKETS.sub("", occupation.name)), occupation.code)
        for word, code in OCCUPATION_SYNONYMS.items():
            if code in self.occupations:
                self.occupation_words.setdefault(word, code)
        self.seen_nik: dict[str, int] = {}
        self.resident_list: ResidentList | None = None

    @classmethod
    def column_hints(cls) -> dict[str, str]:
        return {
            "hamlet": "Nama dusun/jorong.",
            "nik": "16 angka, kolom berformat Teks.",
            "sex": "1 (laki-laki) atau 2 (perempuan); L/P juga diterima.",
            "birth_date": "dd/mm/yyyy atau yyyy-mm-dd.",
            "occupation": "Kode pekerjaan Dukcapil 1–89 (9 petani/pekebun, 85 perangkat desa) atau namanya.",
            "status": "1 hidup, 2 mati, 3 pindah, 4 hilang, 6 pergi, 9 tidak valid (kosong = hidup).",
        }

    def _occupation(self, cell) -> int | None:
        raw = text(cell)
        if re.fullmatch(r"\d+(\.0+)?", raw):
            code = int(float(raw))
            return code if code in self.occupations else None
        return self.occupation_words.get(alnum(raw)) or self.occupation_words.get(alnum(BRACKETS.sub("", raw)))

    def parse(self, table: Table, number: int, cells: tuple) -> RowResult:
        result = RowResult(row=number, cells=cells)
        values: dict = {}
        nik_cell = table.cell(cells, "nik")
        if isinstance(nik_cell, str):
            # Dukcapil data sometimes carries invisible characters in a NIK (OpenSID drops them too).
            nik_cell = INVISIBLE.sub("", nik_cell).lstrip("'")
        try:
            nik = parse_nik(nik_cell)
            stdnum_nik.validate(nik)
            values["nik"] = nik
        except NikProblem as problem:
            result.fail("nik", str(problem))
        except StdnumValidationError:
            result.fail("nik", "NIK tidak valid: harus 16 angka dengan kode wilayah dan tanggal lahir yang benar.")
        values["name"] = text(table.cell(cells, "name"))[:200]
        result.label = values["name"]
        if not values["name"]:
            result.fail("nama", "Nama wajib diisi.")
        sex_cell = text(table.cell(cells, "sex"))
        values["sex"] = SEX_CODES.get(sex_cell.removesuffix(".0")) or parse_sex(sex_cell)
        if values["sex"] is None:
            result.fail("sex", f"Tulis 1 (laki-laki) atau 2 (perempuan) (tertulis: {sex_cell or 'kosong'}).")
        birth_cell = table.cell(cells, "birth_date")
        values["birth_date"] = _birth_date(birth_cell)
        if values["birth_date"] is None:
            said = f"Tidak terbaca (tertulis: {text(birth_cell)})." if text(birth_cell) else "Tanggal lahir kosong."
            result.fail("tanggallahir", f"{said} Tulis sebagai dd/mm/yyyy, misalnya 14/03/1985.")
        elif values["birth_date"] > timezone.localdate():
            result.fail("tanggallahir", "Tanggal lahir di masa depan.")
        occupation_cell = table.cell(cells, "occupation")
        values["occupation"] = self._occupation(occupation_cell)
        if values["occupation"] is None:
            said = text(occupation_cell) or "kosong"
            result.fail("pekerjaan_id", f"Kode pekerjaan tidak dikenal (tertulis: {said}); pakai kode Dukcapil 1–89.")
        status_cell = text(table.cell(cells, "status"))
        values["status"] = self._status(status_cell)
        if values["status"] is None:
            result.fail(
                "status_dasar", f"Status dasar tidak dikenal (tertulis: {status_cell}); pakai 1, 2, 3, 4, 6 atau 9."
            )
        hamlet = text(table.cell(cells, "hamlet")).lstrip("'").replace("_", " ").strip()
        values["hamlet"] = HAMLET_PREFIX.sub("", hamlet)[:100]
        result.obj = values
        return result

    @staticmethod
    def _status(raw: str) -> int | None:
        if not raw:
            return ResidentStatus.ALIVE
        if re.fullmatch(r"\d+(\.0+)?", raw):
            code = int(float(raw))
            return code if code in ResidentStatus.values else None
        return STATUS_WORDS.get(alnum(raw))

    def classify(self, results: list[RowResult]) -> None:
        # The chunk's NIKs that are active participants of another village: one query per chunk.
        niks = {result.obj["nik"] for result in results if result.obj.get("nik")}
        elsewhere = dict(
            Participant.objects.filter(nik__in=niks, exit_date__isnull=True)
            .exclude(village=self.village)
            .values_list("nik", "village_id")
        )
        for result in results:
            nik = result.obj.get("nik")
            if nik:
                if nik in self.seen_nik:
                    result.fail("nik", f"NIK ini sudah ada di baris {self.seen_nik[nik]} berkas ini.")
                else:
                    self.seen_nik[nik] = result.row
            if result.errors:
                result.obj = None
                continue
            values = result.obj
            result.status = "new"
            result.obj = Resident(
                village=self.village,
                occupation_id=values.pop("occupation"),
                participant_village_id=elsewhere.get(values["nik"]),
                **values,
            )

    def apply(self, results: list[RowResult]) -> None:
        if self.resident_list is None:
            # Two lists of one village confirmed at once: the second waits here for the first, then replaces it.
            list(Village.objects.select_for_update().filter(pk=self.village.pk).values_list("pk", flat=True))
            # The next import replaces the list: the last one's residents go (one DELETE, no history kept).
            Resident.objects.filter(village=self.village).delete()
            self.resident_list, _ = ResidentList.objects.update_or_create(
                village=self.village, defaults={"imported_at": timezone.now(), "uploaded_by": self.user}
            )
        residents = [result.obj for result in results if result.status == "new"]
        for resident in residents:
            resident.resident_list = self.resident_list
        Resident.objects.bulk_create(residents, batch_size=1000)

    def finish(self) -> None:
        if self.resident_list is not None:
            resident_denominators_record(resident_list=self.resident_list)


def _birth_date(cell) -> datetime.date | None:
    """OpenSID writes yyyy-mm-dd (the common case, read without trying other formats); otherwise any date
    the participant import reads, a leading apostrophe ignored."""
    if isinstance(cell, str):
        cell = cell.strip().lstrip("'")
        if ISO_DATE.fullmatch(cell):
            try:
                return datetime.date.fromisoformat(cell)
            except ValueError:
                return None
    return parse_date(cell)
