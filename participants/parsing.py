"""Reading values the way village spreadsheets and phone keyboards write them.

Shared by the forms and the spreadsheet import. Each parser returns None for a
value it cannot read; the caller says in Indonesian what to fix.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language
from openpyxl.utils.datetime import from_excel

from participants.models import FundingSource, Occupation, Sex
from participants.months import month_start

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d%m%Y")
MONTH_NAMES = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
}
# Excel serial day numbers from 1900 to 2100.
EXCEL_SERIAL_RANGE = (1, 73415)
# Control characters (NUL included, which PostgreSQL refuses) and non-breaking spaces become spaces.
CONTROL = re.compile(r"[\x00-\x1f\x7f\xa0]")
SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def text(value) -> str:
    """A cell as trimmed text, with non-breaking spaces and runs of spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    return " ".join(CONTROL.sub(" ", str(value)).split())


def alnum(value) -> str:
    """Lower-case letters and digits only: `Jenis  Kelamin ` and `jenis_kelamin` both become `jeniskelamin`."""
    return re.sub(r"[^0-9a-z]", "", text(value).lower())


def parse_rupiah(value) -> int | None:
    """Whole Rupiah from `1500000`, `1.500.000`, `Rp 1.500.000`, `1,500,000`, `1.500.000,00` or a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float | Decimal):
        return (
            int(value.to_integral_value() if isinstance(value, Decimal) else round(value))
            if _finite(value) and value >= 0
            else None
        )
    cleaned = re.sub(r"\s", "", text(value).lower().replace("rp", "")).lstrip(".:")
    millions = re.fullmatch(r"(\d+)(?:[.,](\d{1,3}))?(?:juta|jt)", cleaned)
    if millions:  # "1,5 juta", "2 jt"
        return int(millions.group(1)) * 1_000_000 + int((millions.group(2) or "0").ljust(6, "0"))
    cleaned = re.sub(r"[.,]-$", "", cleaned)
    cleaned = re.sub(r"[.,]\d{1,2}$", "", cleaned) if re.search(r"[.,]\d{1,2}$", cleaned) else cleaned
    if not re.fullmatch(r"\d+(?:[.,]\d{3})*", cleaned):
        return None
    return int(re.sub(r"[.,]", "", cleaned))


def _finite(value) -> bool:
    return math.isfinite(value)


def _from_serial(value: float) -> datetime.date | None:
    if _finite(value) and EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
        return from_excel(value).date()
    return None


def parse_date(value) -> datetime.date | None:
    """A date from an Excel date, an Excel serial number, `dd/mm/yyyy`, `dd-mm-yyyy`, `14 Maret 1985`..."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _from_serial(value)
    raw = text(value)
    raw = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "", raw)
    if "," in raw:  # "Solok, 14-03-1985" from a combined place/date of birth column
        raw = raw.rsplit(",", 1)[1].strip()
    if re.fullmatch(r"\d{5}(\.0+)?", raw):
        return _from_serial(float(raw))
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, date_format).date()
        except ValueError:
            continue
    short = re.fullmatch(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2})", raw)
    if short:  # a two-digit year is in this century unless that would be in the future
        year = 2000 + int(short.group(3))
        year = year - 100 if year > timezone.localdate().year else year
        try:
            return datetime.date(year, int(short.group(2)), int(short.group(1)))
        except ValueError:
            return None
    named = re.fullmatch(r"(\d{1,2})[ \-/]([a-zA-Z]+)[ \-/](\d{4})", raw)
    if named and named.group(2).lower() in MONTH_NAMES:
        try:
            return datetime.date(int(named.group(3)), MONTH_NAMES[named.group(2).lower()], int(named.group(1)))
        except ValueError:
            return None
    return None


def parse_month(value) -> datetime.date | None:
    """The first day of a month written `03/2025`, `3-2025`, `2025-03`, `Maret 2025` or as any date."""
    if isinstance(value, datetime.date | int | float) and not isinstance(value, bool):
        day = parse_date(value)
        return month_start(day) if day else None
    raw = text(value)
    numeric = re.fullmatch(r"(\d{1,2})[/\-.](\d{4})", raw)
    if numeric:
        month, year = int(numeric.group(1)), int(numeric.group(2))
    else:
        iso = re.fullmatch(r"(\d{4})[/\-.](\d{1,2})", raw)
        named = re.fullmatch(r"([a-zA-Z]+)[ \-/](\d{4})", raw)
        if iso:
            year, month = int(iso.group(1)), int(iso.group(2))
        elif named and named.group(1).lower() in MONTH_NAMES:
            month, year = MONTH_NAMES[named.group(1).lower()], int(named.group(2))
        else:
            day = parse_date(raw)
            return month_start(day) if day else None
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    return datetime.date(year, month, 1)


class NikProblem(ValueError):
    """A NIK cell that cannot be read, with the Indonesian reason."""


def parse_nik(value) -> str:
    """16 digits from a NIK cell; raises NikProblem saying what to fix.

    Excel keeps 15 significant digits, so a NIK typed into a number-formatted
    cell loses its last digit (it becomes 0) or shows as 1,30207E+15.
    """
    as_number = "Format kolom NIK sebagai Teks di Excel lalu ketik ulang NIK-nya."
    if value is None or text(value) == "":
        raise NikProblem("NIK wajib diisi.")
    if isinstance(value, float) and not (_finite(value) and value.is_integer()):
        raise NikProblem(f"NIK tersimpan sebagai angka pecahan. {as_number}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) == 16 and digits.endswith("0"):
            raise NikProblem(
                "NIK tersimpan sebagai angka: Excel hanya menyimpan 15 digit, sehingga digit terakhir NIK "
                f"16 angka berubah menjadi 0. {as_number}"
            )
    else:
        written = re.sub(r"\.0+$", "", text(value))  # "1302075403850001.0" from a CSV written by a program
        if SCIENTIFIC.match(written):
            raise NikProblem(
                f"NIK tertulis dalam notasi ilmiah ({text(value)}) karena kolomnya berformat angka; "
                f"digit terakhirnya sudah hilang. {as_number}"
            )
        digits = re.sub(r"[\s.\-']", "", written)
    if not re.fullmatch(r"\d{16}", digits):
        raise NikProblem(f"NIK harus 16 angka (tertulis: {text(value)}).")
    return digits


SEX_WORDS = {
    Sex.MALE: {"l", "lk", "laki", "lakilaki", "pria", "m", "male"},
    Sex.FEMALE: {"p", "pr", "perempuan", "wanita", "w", "f", "female"},
}


def parse_sex(value) -> str | None:
    word = alnum(value)
    for sex, words in SEX_WORDS.items():
        if word in words:
            return sex.value
    return None


def parse_yes_no(value) -> bool | None:
    """`Ya`/`Tidak` (and the usual variants); an empty cell is no."""
    word = alnum(value)
    if word in {"ya", "y", "yes", "1", "true", "ikut", "v", "x"}:
        return True
    if word in {"", "tidak", "t", "tdk", "no", "n", "0", "false", "tidakikut"}:
        return False
    return None


OCCUPATION_WORDS = {
    "tani": Occupation.FARMER,
    "kebun": Occupation.PLANTER,
    "ternak": Occupation.LIVESTOCK,
    "dagang": Occupation.TRADER,
    "buruh": Occupation.DAY_LABOURER,
    "buruhharian": Occupation.DAY_LABOURER,
    "bhl": Occupation.DAY_LABOURER,
    "tukang": Occupation.CONSTRUCTION,
    "tukangbangunan": Occupation.CONSTRUCTION,
    "konstruksi": Occupation.CONSTRUCTION,
    "ojek": Occupation.DRIVER,
    "ojol": Occupation.DRIVER,
    "pengemudi": Occupation.DRIVER,
    "sopir": Occupation.DRIVER,
    "supir": Occupation.DRIVER,
    "perangkatnagari": Occupation.APPARATUS,
    "perangkatdesa": Occupation.APPARATUS,
    "aparatur": Occupation.APPARATUS,
    "bertani": Occupation.FARMER,
    "berkebun": Occupation.PLANTER,
    "berdagang": Occupation.TRADER,
    "wiraswasta": Occupation.OTHER,
    "swasta": Occupation.OTHER,
    "lainlain": Occupation.OTHER,
    "lain": Occupation.OTHER,
}
FUNDING_WORDS = {
    "sendiri": FundingSource.SELF,
    "pribadi": FundingSource.SELF,
    "apbnagari": FundingSource.VILLAGE_BUDGET,
    "apbdesa": FundingSource.VILLAGE_BUDGET,
    "apbnag": FundingSource.VILLAGE_BUDGET,
    "apbnagaridesa": FundingSource.VILLAGE_BUDGET,
    "danadesa": FundingSource.VILLAGE_BUDGET,
    "dananagari": FundingSource.VILLAGE_BUDGET,
    "pemda": FundingSource.REGIONAL_BUDGET,
    "apbdpemda": FundingSource.REGIONAL_BUDGET,
    "apbdkabupaten": FundingSource.REGIONAL_BUDGET,
    "apbdkota": FundingSource.REGIONAL_BUDGET,
    "swadaya": FundingSource.SELF,
    "pemkab": FundingSource.REGIONAL_BUDGET,
    "pemkot": FundingSource.REGIONAL_BUDGET,
    "lain": FundingSource.OTHER,
    "lainlain": FundingSource.OTHER,
}


@functools.lru_cache(maxsize=32)
def _choice_words(choices, language: str | None) -> dict[str, str]:
    """alnum(key) and alnum(label) → key, for one TextChoices class in one language."""
    words = {}
    for member in choices:
        words[alnum(member.label)] = member.value
        words[alnum(member.value)] = member.value
    return words


def parse_choice(value, choices, aliases: dict | None = None) -> str | None:
    """The key of a TextChoices member written as its key, its label or a known alias."""
    word = alnum(value)
    if not word:
        return None
    found = _choice_words(choices, get_language()).get(word)
    if found is not None:
        return found
    alias = (aliases or {}).get(word)
    return alias.value if alias is not None else None


def parse_occupation(value) -> str | None:
    """An occupation; "Petani sawah" or "Pedagang sayur" count as their first word's occupation."""
    found = parse_choice(value, Occupation, OCCUPATION_WORDS)
    if found is None:
        word = alnum(value)
        for prefix in sorted(_choice_words(Occupation, get_language()), key=len, reverse=True):
            if len(prefix) >= 4 and word.startswith(prefix):
                return _choice_words(Occupation, get_language())[prefix]
    return found


def parse_funding(value) -> str | None:
    return parse_choice(value, FundingSource, FUNDING_WORDS)


def parse_digits(value) -> str:
    """A phone or KPJ number cell as digits (a number-formatted phone cell lost its leading 0)."""
    return re.sub(r"[\s.\-']", "", text(value))
