"""The two shapes of a core-system extract as kinds of the one import pipeline (`participants.imports`).

The pipeline reads the file (.xlsx or .csv), finds the header row through the columns' synonyms (each core
export spells its headers its own way: `NO_KPJ`, `KPJ`, `NOMOR KPJ`; `BLTH`, `BULAN IURAN`, `PERIODE`),
previews every row and hands back the rejected ones. These kinds only read and check rows; confirming an
extract keeps its accepted rows (`apply`, to the `Extract` the kind is given) and the matching is
`reconciliation.matching`. Nothing here writes a participant or a contribution.

Row-level problems (each an error row with its reason): neither NIK nor KPJ, a NIK that fails validation, a
KPJ that is not 11 digits, unreadable dates, months or amounts, a month or payment in the future, and a row
repeated in the file.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from core.parsing import MONTH_NAMES, number_text, parse_date, parse_month, parse_rupiah, text
from participants.imports.columns import Column
from participants.imports.contribution_rows import CHANNEL_WORDS
from participants.imports.kinds import ImportKind, RowResult
from participants.imports.participant_rows import VillageLookup
from participants.imports.reading import ImportFileError, Table
from participants.models import Contribution, ImportBatch, Sex, nik_problems
from participants.parsing import NikProblem, alnum, parse_choice, parse_digits, parse_nik, parse_sex

KPJ = Column(
    "kpj",
    "Nomor KPJ",
    False,
    ("kpj", "nokpj", "nomorkpj", "nokartu", "nomorkartu", "nopeserta", "nomorpeserta", "nokartupeserta", "kpjbaru"),
)
NIK = Column(
    "nik",
    "NIK",
    False,
    (
        "noktp",
        "nomorktp",
        "ktp",
        "nomornik",
        "noidentitas",
        "nomoridentitas",
        "nonik",
        "niktk",
        "nikpeserta",
        "nomorindukkependudukan",
    ),
)
NAME = ("nama", "namapeserta", "namatenagakerja", "namalengkap", "namatk", "namapekerja")
VILLAGE = Column(
    "village",
    "Desa",
    False,
    (
        "desa",
        "nagari",
        "kelurahan",
        "desakelurahan",
        "desanagari",
        "namadesa",
        "kelurahandesa",
        "deskel",
        "keldesa",
        "kel",
    ),
)
VILLAGE_CODE = Column(
    "village_code",
    "Kode Desa",
    False,
    ("kodedesa", "kodewilayah", "kodekemendagri", "kodekel", "kodedesakel", "kodenagari"),
)
MONTH_ALIASES = ("blth", "bulaniuran", "periode", "periodeiuran", "bulan", "masaiuran", "bulanbayar", "blniuran",
                 "thbl", "blthiuran", "periodebayar", "bulantahun", "iuranbulan", "bln")  # fmt: skip
# Some exports write the month in two columns (BULAN 6 and TAHUN 2026, BLN and THN): the year's column.
YEAR = Column("year", "Tahun Iuran", False, ("tahun", "thn", "tahuniuran", "thniuran", "tahunbayar", "thnbayar"))
# A title before a name, or a degree after it, does not make it another person's name.
TITLES = frozenset(
    [
        "h",
        "hj",
        "haji",
        "hajah",
        "hajjah",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "st",
        "sh",
        "se",
        "spd",
        "spdi",
        "sag",
        "sthi",
        "sos",
        "ssos",
        "skm",
        "skom",
        "amd",
        "amdkeb",
        "amdkep",
        "apt",
        "ns",
        "bpk",
        "bapak",
        "ibu",
        "pak",
        "bu",
        "sdr",
        "sdri",
        "tn",
        "ny",
        "nn",
        "mr",
        "mrs",
        "almarhum",
        "alm",
    ]
)
JHT_WORDS = re.compile(r"jht", re.IGNORECASE)


def _exact_number(value) -> bool:
    """A NIK cell holding a 16-digit whole number that a float keeps exactly (below 2**53)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, float) and not (value.is_integer() and value < 2**53):
        return False
    return len(str(int(value))) == 16


def name_key(name: str) -> str:
    """A name compared leniently: case, spacing, punctuation, titles and degrees after a comma ignored."""
    first = text(name).split(",")[0]
    words = [alnum(word) for word in re.split(r"[\s.]+", first)]
    return " ".join(word for word in words if word and word not in TITLES)


class ExtractRows(ImportKind):
    """What both shapes share: who the row is about (NIK and/or KPJ), duplicates, and keeping the rows."""

    permission = "participants.add_participant"
    anchors = ("nik", "kpj")
    text_columns = frozenset({"nik", "kpj"})
    shape: str

    def __init__(self, *, user, village) -> None:
        super().__init__(user=user, village=village)
        self.today = timezone.localdate()
        self.seen: dict[tuple, int] = {}
        self.extract = None  # set by services.extract_confirm before the rows are kept
        self._villages: VillageLookup | None = None

    @classmethod
    def header_choices(cls) -> dict[str, str]:
        from reconciliation.models import HeaderChoice

        return dict(HeaderChoice.objects.filter(kind=cls.key).values_list("header", "column"))

    def identity(self, table: Table, cells: tuple, result: RowResult) -> dict:
        values = {"nik": "", "kpj": ""}
        nik_cell, kpj_cell = table.cell(cells, "nik"), table.cell(cells, "kpj")
        if _exact_number(nik_cell):
            # A core export is written by a program: a NIK stored as a 16-digit number is exact (the 15-digit
            # rounding `parse_nik` warns of happens only when a person types it into Excel).
            values["nik"] = str(int(nik_cell))
            for problem in nik_problems(values["nik"], birth_date=None, sex=None):
                result.fail("NIK", problem)
        elif text(nik_cell):
            try:
                values["nik"] = parse_nik(nik_cell)
            except NikProblem as problem:
                result.fail("NIK", str(problem))
            else:
                for problem in nik_problems(values["nik"], birth_date=None, sex=None):
                    result.fail("NIK", problem)
        if text(kpj_cell):
            kpj = re.sub(r"\.0+$", "", parse_digits(kpj_cell))
            if re.fullmatch(r"\d{11}", kpj):
                values["kpj"] = kpj
            else:
                result.fail("Nomor KPJ", f"Nomor KPJ harus 11 angka (tertulis: {text(kpj_cell)}).")
        if not text(nik_cell) and not text(kpj_cell):
            result.fail("NIK", "Isi NIK atau nomor KPJ: tanpa keduanya baris ini tidak dapat dicocokkan.")
        return values

    def read_month(self, table: Table, cells: tuple, result: RowResult, *, header: str, required: bool):
        cell = table.cell(cells, "month")
        if "year" in table.columns:
            return self.future(result, header, self.month_and_year(table, cells, result, header=header))
        if not text(cell):
            if required:
                result.fail(header, "Bulan iuran wajib diisi, misalnya 06/2026 atau 202606.")
            return None
        month = parse_month(cell)
        if month is None:
            result.fail(header, f"Tulis bulan sebagai mm/yyyy, misalnya 06/2026 (tertulis: {text(cell)}).")
        return self.future(result, header, month)

    def future(self, result: RowResult, header: str, month: datetime.date | None) -> datetime.date | None:
        if month is not None and month > self.today.replace(day=1):
            result.fail(header, f"Bulan {month:%m/%Y} ada di masa depan: ekstrak hanya memuat bulan yang sudah lewat.")
        return month

    def month_and_year(self, table: Table, cells: tuple, result: RowResult, *, header: str):
        """The month of a file that writes it in two columns: a month (1–12 or its name) and a year (four digits).
        A month column that holds a whole month (06/2026) is read as one, when the year column agrees."""
        month_text, year_text = number_text(table.cell(cells, "month")), number_text(table.cell(cells, "year"))
        year_header = self.header_of("year")
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) and 1900 <= int(year_text) <= 2100 else None
        if not year_text:
            result.fail(year_header, "Tahun iuran wajib diisi, misalnya 2026.")
        elif year is None:
            result.fail(year_header, f"Tulis tahun dengan empat angka, misalnya 2026 (tertulis: {year_text}).")
        if not month_text:
            result.fail(header, "Bulan iuran wajib diisi: angka 1–12 atau nama bulan, misalnya 6 atau Juni.")
            return None
        number = re.fullmatch(r"\d{1,2}", month_text)
        if number and 1 <= int(month_text) <= 12:
            month = int(month_text)
        elif month_text.lower() in MONTH_NAMES:
            month = MONTH_NAMES[month_text.lower()]
        else:
            whole = None if number else parse_month(table.cell(cells, "month"))
            if whole is None:
                result.fail(header, f"Tulis bulan sebagai angka 1–12 atau nama bulan (tertulis: {month_text}).")
            elif year is not None and whole.year != year:
                result.fail(year_header, f"Tahun {year} tidak sama dengan tahun bulan iuran {whole:%m/%Y}.")
                return None
            return whole
        return datetime.date(year, month, 1) if year is not None else None

    def read_date(self, table: Table, cells: tuple, result: RowResult, key: str) -> datetime.date | None:
        cell = table.cell(cells, key)
        if not text(cell):
            return None
        day = parse_date(cell)
        if day is None:
            result.fail(self.header_of(key), f"Tulis tanggal sebagai dd/mm/yyyy (tertulis: {text(cell)}).")
        elif day > self.today:
            result.fail(self.header_of(key), "Tanggal ini ada di masa depan.")
        return day

    def read_village(self, table: Table, cells: tuple) -> tuple:
        written = text(table.cell(cells, "village_code")) or text(table.cell(cells, "village"))
        if not written:
            return None, ""
        if self._villages is None:
            self._villages = VillageLookup(self.user)
        village, _problem = self._villages.find(written)  # an unknown village: the worker stays unplaced
        return village, written[:100]

    def duplicate(self, result: RowResult, key: tuple) -> None:
        if key in self.seen:
            result.fail("Baris", f"Baris ganda: sama dengan baris {self.seen[key]}.")
        else:
            self.seen[key] = result.row

    def classify(self, results: list[RowResult]) -> None:
        for result in results:
            if not result.errors:
                self.duplicate(result, self.row_key(result.obj))
            result.status = "error" if result.errors else "new"
            if result.errors:
                result.obj = None

    def row_key(self, values: dict) -> tuple:
        """What makes two rows the same row (a duplicate)."""
        raise NotImplementedError

    def apply(self, results: list[RowResult]) -> None:
        from reconciliation.models import ExtractRow

        if self.extract is None:  # confirmed from the participants' import page: the result lives elsewhere
            raise ImportFileError("Ekstrak sistem inti dicocokkan dari halaman Rekonsiliasi, bukan dari sini.")
        rows = [
            ExtractRow(extract=self.extract, row=result.row, **result.obj)
            for result in results
            if result.status == "new"
        ]
        ExtractRow.objects.bulk_create(rows, batch_size=500)


class CoreParticipantRows(ExtractRows):
    """A participant list: one row per participant as the core system holds them."""

    key = ImportBatch.Kind.CORE_PARTICIPANTS.value
    shape = "peserta"
    sheet_title = "Peserta sistem inti"
    columns = (
        KPJ,
        NIK,
        Column("name", "Nama", False, NAME),
        Column("birth_date", "Tanggal Lahir", False, ("tgllahir", "tgllhr", "tanggallhr", "tanggallahirpeserta")),
        Column("sex", "Jenis Kelamin", False, ("jk", "jeniskel", "kelamin", "sex", "lp", "gender")),
        Column(
            "registered_on",
            "Tanggal Daftar",
            False,
            ("tgldaftar", "tglkepesertaan", "tanggalkepesertaan", "tmt", "tglregistrasi", "tglrekam", "tgldaftarpst"),
        ),
        Column("programmes", "Program", False, ("programikut", "programpeserta", "prg")),
        Column("core_status", "Status", False, ("statuspeserta", "statuskepesertaan", "sts")),
        Column(
            "month",
            "Bulan Terakhir Dibayar",
            False,
            ("blthterakhir", "bulanterakhir", "iuranterakhir", "terakhirbayar", "blthakhir", "bulanterakhirbayar"),
        ),
        VILLAGE,
        VILLAGE_CODE,
    )

    def parse(self, table: Table, number: int, cells: tuple) -> RowResult:
        result = RowResult(row=number, cells=cells)
        values = self.identity(table, cells, result)
        values["name"] = text(table.cell(cells, "name"))[:100]
        if not values["name"]:
            result.fail("Nama", "Nama wajib diisi.")
        values["birth_date"] = self.read_date(table, cells, result, "birth_date")
        sex_cell = table.cell(cells, "sex")
        values["sex"] = parse_sex(sex_cell) or ""
        if text(sex_cell) and not values["sex"]:
            result.fail("Jenis Kelamin", "Tulis L atau P.")
        values["registered_on"] = self.read_date(table, cells, result, "registered_on")
        values["has_jht"] = bool(JHT_WORDS.search(text(table.cell(cells, "programmes"))))
        values["core_status"] = text(table.cell(cells, "core_status"))[:30]
        values["month"] = self.read_month(table, cells, result, header="Bulan Terakhir Dibayar", required=False)
        values["village"], values["village_text"] = self.read_village(table, cells)
        if values["nik"] and not result.errors:
            for problem in nik_problems(values["nik"], birth_date=values["birth_date"], sex=values["sex"] or None):
                result.fail("NIK", f"{problem} (menurut kolom di ekstrak)")
        result.label = values["name"]
        result.obj = values
        return result

    def row_key(self, values: dict) -> tuple:
        return (values["nik"], values["kpj"])


class CorePaymentRows(ExtractRows):
    """A payment list: one row per participant and paid month."""

    key = ImportBatch.Kind.CORE_PAYMENTS.value
    shape = "iuran"
    sheet_title = "Iuran sistem inti"
    columns = (
        KPJ,
        NIK,
        Column("name", "Nama", False, NAME),
        Column("month", "Bulan Iuran", False, MONTH_ALIASES),
        YEAR,
        Column(
            "amount",
            "Jumlah",
            False,
            (
                "jumlahiuran",
                "iuran",
                "nominal",
                "nominaliuran",
                "totaliuran",
                "jml",
                "nilaiiuran",
                "jumlahbayar",
                "nominalbayar",
            ),
        ),
        Column("paid_on", "Tanggal Bayar", False, ("tglbayar", "tglbyr", "tanggalpembayaran", "tglpembayaran")),
        Column("channel", "Saluran", False, ("saluranbayar", "kanal", "channel", "kanalbayar", "mediabayar")),
        VILLAGE,
        VILLAGE_CODE,
    )

    def parse(self, table: Table, number: int, cells: tuple) -> RowResult:
        result = RowResult(row=number, cells=cells)
        values = self.identity(table, cells, result)
        values["name"] = text(table.cell(cells, "name"))[:100]
        values["month"] = self.read_month(table, cells, result, header="Bulan Iuran", required=True)
        cell = table.cell(cells, "amount")
        values["amount"] = parse_rupiah(cell) if text(cell) else None
        if text(cell) and not values["amount"]:
            result.fail("Jumlah", f"Tulis jumlah dalam Rupiah, misalnya 16.800 (tertulis: {text(cell)}).")
        values["paid_on"] = self.read_date(table, cells, result, "paid_on")
        cell = table.cell(cells, "channel")
        values["channel"] = (parse_choice(cell, Contribution.Channel, CHANNEL_WORDS) or "") if text(cell) else ""
        values["village"], values["village_text"] = self.read_village(table, cells)
        result.label = values["name"] or values["kpj"] or values["nik"]
        result.obj = values
        return result

    def row_key(self, values: dict) -> tuple:
        return (values["nik"] or values["kpj"], values["month"])


EXTRACT_KINDS: tuple[type[ExtractRows], ...] = (CoreParticipantRows, CorePaymentRows)
SHAPE_KINDS = {kind.shape: kind for kind in EXTRACT_KINDS}


def sex_from_nik(nik: str) -> str:
    return Sex.FEMALE if int(nik[6:8]) > 40 else Sex.MALE
