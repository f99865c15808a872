"""Reading the programme's own cells as village spreadsheets write them: NIK, sex, yes/no, occupation, funding."""

from __future__ import annotations

import pytest

from participants.parsing import (
    NikProblem,
    parse_digits,
    parse_funding,
    parse_nik,
    parse_occupation,
    parse_sex,
    parse_yes_no,
)


def test_nik_cells():
    nik = "1302075403850001"
    assert parse_nik(nik) == nik
    assert parse_nik(f" '{nik} ") == nik
    assert parse_nik("1302 0754 0385 0001") == nik
    assert parse_nik(int(nik)) == nik  # an exact number written by a program is fine
    assert parse_nik(f"{nik}.0") == nik
    with pytest.raises(NikProblem, match="15 digit"):
        parse_nik(1302075403850000)
    with pytest.raises(NikProblem, match="notasi ilmiah"):
        parse_nik("1,30208E+15")
    with pytest.raises(NikProblem, match="16 angka"):
        parse_nik("12345")
    with pytest.raises(NikProblem, match="wajib"):
        parse_nik("  ")


@pytest.mark.parametrize(
    "written",
    [
        "１３０２０７５４０３８５０００１",  # full-width, from a Japanese or Chinese input mode
        "١٣٠٢٠٧٥٤٠٣٨٥٠٠٠١",  # Arabic-Indic
        "۱۳۰۲ ۰۷۵۴ ۰۳۸۵ ۰۰۰۱",  # Persian, in groups
        "１３０２．０７５４．０３８５．０００１",  # full-width dots between the groups
    ],
)
def test_nik_cells_in_other_digits_are_read_as_ascii(written):
    assert parse_nik(written) == "1302075403850001"


def test_kpj_and_phone_cells_in_other_digits():
    assert parse_digits("１２３４５６７８９０１") == "12345678901"
    assert parse_digits("٠٨١٢-٣٤٥٦-٧٨٩٠") == "081234567890"


def test_choices_as_written():
    assert [parse_sex(value) for value in ("L", " l ", "Laki-laki", "P", "Perempuan", "wanita", "?")] == [
        "L",
        "L",
        "L",
        "P",
        "P",
        "P",
        None,
    ]
    assert [parse_yes_no(value) for value in ("Ya", "y", "Tidak", "", None, "mungkin")] == [
        True,
        True,
        False,
        False,
        False,
        None,
    ]
    assert parse_occupation("Buruh Harian Lepas") == "buruh_harian_lepas"
    assert parse_occupation("tani") == "petani"
    assert parse_occupation("Pengemudi/ojek") == "pengemudi_ojek"
    assert parse_occupation("Petani sawah") == "petani"
    assert parse_occupation("Wiraswasta") == "lainnya"
    assert parse_occupation("astronaut") is None
    assert parse_funding("APB Nagari/Desa") == "apbdes"
    assert parse_funding("Dana Desa") == "apbdes"
    assert parse_funding("apbd pemda") == "apbd"
    assert parse_funding("CSR") == "csr"
