"""A core-system payment list made from the demo branch, with deliberate disagreements (docs/reconciliation.md).

Every paid month recorded here in the last `months` months (before the current one) becomes a row, in a
header dialect of its own (none of the import template's headers), names written as a core export does
(upper case, a title now and then), villages by Kemendagri code. Then, drawn with `seed`:

- `missing`: a month the core system has and this application lacks (a month added to the file);
- `dropped`: a month recorded here that the core system does not have (a row left out);
- one worker unknown here (valid NIK, KPJ, two paid months, a village);
- one KPJ/NIK conflict (a participant's rows carry another participant's KPJ);
- one worker the core system places in another village.

`core_extract_build` returns the rows and the counts a reconciliation must find. Development only: it reads
every participant of the database.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from core.parsing import parse_month
from participants.models import Contribution, Participant, Sex
from participants.months import add_months, month_end, month_start
from participants.rules import RuleBook, RuleError, contribution_due
from villages.models import Village

HEADERS = (
    "No. Kartu Peserta",
    "Nomor KTP",
    "Nama Tenaga Kerja",
    "THBL",
    "Nilai Iuran",
    "Tgl Bayar",
    "Kanal",
    "Kode Wilayah",
)
# Another export's dialect: the month in two columns (month number or name, and year), other spellings.
SPLIT_HEADERS = (
    "KPJ BARU",
    "NIK TK",
    "NAMA PEKERJA",
    "BLN",
    "THN",
    "JML",
    "TGL PEMBAYARAN",
    "MEDIA BAYAR",
    "KODE DESA KEL",
)
DIALECTS = {"thbl": HEADERS, "terpisah": SPLIT_HEADERS}
MONTH_WORDS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
CHANNELS = {"agen_perisai": "PERISAI", "bank_pos": "BANK", "online": "JMO", "bendahara": "BENDAHARA"}


@dataclass
class CoreExtract:
    headers: tuple[str, ...]
    rows: list[list] = field(default_factory=list)
    expected: Counter = field(default_factory=Counter)
    first: datetime.date | None = None
    last: datetime.date | None = None


def core_extract_build(
    *, today: datetime.date, seed: int = 12, months: int = 6, missing: int = 3, dropped: int = 2, dialect: str = "thbl"
) -> CoreExtract:
    rng = random.Random(seed)
    last = add_months(month_start(today), -1)
    first = add_months(last, 1 - months)
    participants = {p.pk: p for p in Participant.objects.select_related("village").order_by("pk")}
    paid: dict[int, dict[datetime.date, Contribution]] = defaultdict(dict)
    for contribution in Contribution.objects.filter(month__gte=first, month__lte=last).order_by("participant", "month"):
        paid[contribution.participant_id][contribution.month] = contribution
    payers = sorted(paid)
    extract = CoreExtract(headers=DIALECTS[dialect], first=first, last=last)
    if len(payers) < missing + dropped + 3:
        raise ValueError("Too few participants paying in the period: build the demo branch first.")
    chosen = rng.sample(payers, dropped + 2)
    conflict, moved = chosen[0], chosen[1]
    dropping = chosen[2:]
    # A month missing here: participants who could have paid a month of the period and did not.
    gaps = [pk for pk in payers if pk not in chosen and _free_month(participants[pk], paid[pk], first, last)]
    adding = rng.sample(gaps, min(missing, len(gaps)))
    chosen += adding
    owner = next(pk for pk in payers if participants[pk].kpj and pk not in chosen)
    other_village = Village.objects.exclude(pk=participants[moved].village_id).order_by("code").first()
    rules = RuleBook.load()
    drop_months = {pk: rng.choice(sorted(paid[pk])) for pk in dropping}
    disturbed = set(chosen)
    for pk in payers:
        participant = participants[pk]
        kpj = participants[owner].kpj if pk == conflict else participant.kpj or ""
        village = other_village if pk == moved else participant.village
        for month, contribution in sorted(paid[pk].items()):
            if drop_months.get(pk) == month:
                continue
            extract.rows.append(_row(rng, participant, kpj, month, contribution.amount, contribution.paid_on,
                                     contribution.channel, village))  # fmt: skip
        if pk in adding:
            month = _free_month(participant, paid[pk], first, last)
            amount = _due(rules, participant, month)
            extract.rows.append(_row(rng, participant, kpj, month, amount, month_end(month), "agen_perisai", village))
    extract.rows.extend(_unknown_worker(rng, first, last))
    rng.shuffle(extract.rows)
    if dialect == "terpisah":
        extract.rows = [_split(rng, row) for row in extract.rows]
    extract.expected.update(
        {
            "bulan_kurang": len(adding),
            "bulan_lebih": len(dropping),
            "hanya_inti": 1,
            "konflik": 1,
            "beda_desa": 1,
            # Every other participant who paid in the period: in the file with the same months.
            "sesuai": len([pk for pk in payers if pk not in disturbed]),
        }
    )
    return extract


def _free_month(participant: Participant, paid: dict, first: datetime.date, last: datetime.date):
    """The latest month of the period the participant could pay and did not (enrolled, not exited)."""
    month = last
    while month >= first:
        if (
            month not in paid
            and month >= month_start(participant.enrolled_on)
            and (participant.exit_date is None or month <= month_start(participant.exit_date))
        ):
            return month
        month = add_months(month, -1)
    return None


def _due(rules: RuleBook, participant: Participant, month: datetime.date) -> int:
    try:
        return contribution_due(participant=participant, month=month, rules=rules).total
    except RuleError:
        return 16_800


def _row(rng, participant, kpj, month, amount, paid_on, channel, village) -> list:
    name = participant.name.upper()
    if rng.random() < 0.1:
        name = ("H. " if participant.sex == Sex.MALE else "HJ. ") + name
    month_text = rng.choice([f"{month:%Y%m}", f"{month:%m%Y}", f"{month:%m-%Y}"])
    return [
        kpj,
        participant.nik,
        name,
        month_text,
        amount,
        f"{paid_on:%d/%m/%Y}",
        CHANNELS.get(channel, ""),
        village.code,
    ]


def _split(rng, row: list) -> list:
    """A row of the THBL dialect in the split one: the month as a number or a name, and the year."""
    month = parse_month(row[3])
    return [*row[:3], rng.choice([month.month, MONTH_WORDS[month.month - 1]]), month.year, *row[4:]]


def _unknown_worker(rng, first: datetime.date, last: datetime.date) -> list[list]:
    """A worker the core system knows and this application does not: a NIK no participant has."""
    used = set(Participant.objects.values_list("nik", flat=True))
    village = Village.objects.order_by("code").first()
    serial = 9000
    while True:
        nik = f"130207{52:02d}0791{serial:04d}"  # a woman born 12/07/1991
        if nik not in used:
            break
        serial += 1
    kpj = f"{rng.randrange(10**10, 10**11)}"
    return [
        [kpj, nik, "SITI NURHALIZA", f"{month:%Y%m}", 16_800, f"{month_end(month):%d/%m/%Y}", "JMO", village.code]
        for month in (first, last)
    ]
