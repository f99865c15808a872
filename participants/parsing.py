"""Reading the cells of the programme's own columns: NIK, KPJ, sex, occupation, funding, yes/no.

Shared by the forms and the spreadsheet imports. Numbers, amounts, dates and months are read by
`core.parsing`; each parser here returns None for a value it cannot read, or raises `NikProblem`
saying what to fix, and the caller says it in Indonesian.
"""

from __future__ import annotations

import functools
import math
import re

from django.utils.translation import get_language

from core.parsing import number_text, text
from participants.models import FundingSource, Occupation, Sex

SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def alnum(value) -> str:
    """Lower-case letters and digits only: `Jenis  Kelamin ` and `jenis_kelamin` both become `jeniskelamin`."""
    return re.sub(r"[^0-9a-z]", "", number_text(value).lower())


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
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise NikProblem(f"NIK tersimpan sebagai angka pecahan. {as_number}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) == 16 and digits.endswith("0"):
            raise NikProblem(
                "NIK tersimpan sebagai angka: Excel hanya menyimpan 15 digit, sehingga digit terakhir NIK "
                f"16 angka berubah menjadi 0. {as_number}"
            )
    else:
        written = re.sub(r"\.0+$", "", number_text(value))  # "1302075403850001.0" from a CSV written by a program
        if SCIENTIFIC.match(written):
            raise NikProblem(
                f"NIK tertulis dalam notasi ilmiah ({text(value)}) karena kolomnya berformat angka; "
                f"digit terakhirnya sudah hilang. {as_number}"
            )
        digits = re.sub(r"[\s.\-']", "", written)
    if not re.fullmatch(r"[0-9]{16}", digits):
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
    return re.sub(r"[\s.\-']", "", number_text(value))
