"""Demo participants with their paid months and claims, one random stream per planned participant.

A participant's whole history (enrolment, paid months, exit, claim) is drawn up to the plan's horizon;
only what has happened by today is written, so a later run adds what has happened since.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from demo.plans import BATCH, PIONEERS, VillagePlan
from participants.models import (
    Claim,
    Contribution,
    FundingSource,
    Occupation,
    Participant,
    Programme,
    Sex,
)
from participants.months import add_months, month_end, month_range, month_start
from participants.rules import RuleBook
from villages.models import Village

JKM_BENEFIT = 42_000_000
# Of the registrations of the last months (at a socialisation, say) not paid by the village budget, this share
# has not paid the first iuran yet: belum aktif, on the follow-up list.
AWAITING_SHARE = 0.3
AWAITING_RECENT_MONTHS = 3

MALE_NAMES = [
    "Afrizal", "Ardi", "Budi", "Dedi", "Doni", "Edi", "Efendi", "Fauzi", "Hendri", "Irwan", "Jasman",
    "Khairul", "Mardianto", "Nasrul", "Rahmat", "Rizal", "Syafrizal", "Syahrul", "Wendra", "Yusrizal",
    "Zulkifli", "Zulfahmi", "Andi", "Bustanul", "Erman", "Firdaus", "Gusman", "Herman", "Joni", "Masrul",
]  # fmt: skip
FEMALE_NAMES = [
    "Desi", "Elfi", "Fitri", "Gusnimar", "Hasnah", "Irma", "Lusi", "Mardiah", "Nova", "Nurhayati",
    "Rahmi", "Rosmawati", "Sri", "Syafrida", "Wati", "Yeni", "Yusnimar", "Zuraida", "Asmaniar", "Delvi",
    "Erni", "Fatimah", "Jusmaniar", "Linda", "Marlina", "Nelly", "Rita", "Suryani", "Yulia", "Yusra",
]  # fmt: skip
SECOND_NAMES = [
    "Putra", "Saputra", "Hidayat", "Chaniago", "Piliang", "Koto", "Tanjung", "Sikumbang", "Jambak",
    "Syamsuddin", "Yunus", "Ilyas", "Amir", "Anwar", "Darwis", "Hamzah", "Idris", "Kasim", "Marzuki", "Nazar",
]  # fmt: skip
HAMLETS = ["Jorong Koto", "Jorong Balai", "Jorong Sawah", "Jorong Tanjung", "Jorong Ladang", "Jorong Pasar"]
DUSUN = ["Dusun I", "Dusun II", "Dusun III", "Dusun IV"]
RURAL_OCCUPATIONS = [
    (Occupation.FARMER, 30), (Occupation.PLANTER, 18), (Occupation.LIVESTOCK, 7), (Occupation.FISHER, 3),
    (Occupation.TRADER, 12), (Occupation.DAY_LABOURER, 10), (Occupation.CONSTRUCTION, 5),
    (Occupation.DRIVER, 5), (Occupation.OTHER, 4),
]  # fmt: skip
TOWN_OCCUPATIONS = [
    (Occupation.TRADER, 25), (Occupation.DAY_LABOURER, 18), (Occupation.CONSTRUCTION, 12),
    (Occupation.DRIVER, 14), (Occupation.FARMER, 10), (Occupation.PLANTER, 6), (Occupation.OTHER, 8),
]  # fmt: skip
INCOMES = [(1_000_000, 40), (1_500_000, 25), (2_000_000, 18), (2_500_000, 9), (3_000_000, 5), (4_000_000, 3)]


def _nik(*, region: str, birth_date: datetime.date, sex: str, serials: Counter) -> str:
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    stem = f"{region}{day:02d}{birth_date:%m}{birth_date.year % 100:02d}"
    serials[stem] += 1
    return f"{stem}{serials[stem]:04d}"


def _enrolment_date(*, rng: random.Random, plan: VillagePlan, horizon: datetime.date) -> datetime.date:
    span = max(1, (horizon - plan.joined_on).days)
    if rng.random() < 0.3:  # the launch: registered at or soon after the first socialisation
        offset = rng.randint(0, min(60, span))
    elif plan.profile == "tumbuh":
        offset = int(span * rng.random() ** 0.8)
    elif plan.profile == "stagnan":
        offset = int(min(span, 540) * rng.random() ** 0.7) if rng.random() < 0.85 else rng.randint(0, span)
    else:
        lapse_days = max(1, (plan.lapse_month - plan.joined_on).days)
        offset = rng.randint(0, lapse_days) if rng.random() < 0.9 else rng.randint(0, span)
    return plan.joined_on + datetime.timedelta(days=offset)


@dataclass
class Drawn:
    """One drawn participant: the row to write, its paid months (month, paid on, channel, funding) and claim."""

    participant: Participant
    months: list[tuple[datetime.date, datetime.date, str, str]]
    claim: tuple | None


def _person(rng: random.Random, *, sex: str) -> str:
    first = (MALE_NAMES if sex == Sex.MALE else FEMALE_NAMES)[rng.randrange(30)]
    return f"{first} {SECOND_NAMES[rng.randrange(len(SECOND_NAMES))]}"


def _regular(*, rng: random.Random, plan: VillagePlan, horizon: datetime.date, serials: Counter) -> Drawn:
    village = plan.village
    town = village.kind == Village.Kind.KELURAHAN or village.code.startswith(("13.72", "13.73"))
    occupations, occupation_weights = zip(*(TOWN_OCCUPATIONS if town else RURAL_OCCUPATIONS), strict=True)
    incomes, income_weights = zip(*INCOMES, strict=True)
    sex = Sex.MALE if rng.random() < 0.56 else Sex.FEMALE
    enrolled_on = _enrolment_date(rng=rng, plan=plan, horizon=horizon)
    age = rng.randint(18, 58)
    birth_date = datetime.date(enrolled_on.year - age, rng.randint(1, 12), rng.randint(1, 28))
    nik = _nik(region=village.code[:8].replace(".", ""), birth_date=birth_date, sex=sex, serials=serials)
    apparatus = rng.random() < 0.06
    if apparatus or rng.random() < plan.village_budget_share:
        funding = FundingSource.VILLAGE_BUDGET
    elif town and rng.random() < 0.15:
        funding = FundingSource.REGIONAL_BUDGET
    elif rng.random() < 0.03:
        funding = FundingSource.CSR
    else:
        funding = FundingSource.SELF
    occupation = Occupation.APPARATUS if apparatus else rng.choices(occupations, occupation_weights)[0]
    income = rng.choices(incomes, income_weights)[0]
    has_jht = rng.random() < (0.35 if apparatus else 0.12)
    return _finish(
        rng=rng,
        plan=plan,
        horizon=horizon,
        participant=Participant(
            village=village,
            nik=nik,
            name=_person(rng, sex=sex),
            sex=sex,
            birth_date=birth_date,
            occupation=occupation,
            monthly_income=income,
            has_jht=has_jht,
            funding_source=funding,
            enrolled_on=enrolled_on,
        ),
    )


def _cohort_member(*, rng: random.Random, plan: VillagePlan, horizon: datetime.date, serials: Counter) -> Drawn:
    """A worker of a published figure's cohort (published.Cohort): enrolled in its window, at the minimum
    income base, JKK and JKM only, funded as the figure says."""
    cohort = plan.cohort
    sex = Sex.MALE if rng.random() < 0.56 else Sex.FEMALE
    enrolled_on = cohort.enrol_from + datetime.timedelta(
        days=rng.randint(0, (cohort.enrol_to - cohort.enrol_from).days)
    )
    age = rng.randint(18, 58)
    birth_date = datetime.date(enrolled_on.year - age, rng.randint(1, 12), rng.randint(1, 28))
    nik = _nik(region=plan.village.code[:8].replace(".", ""), birth_date=birth_date, sex=sex, serials=serials)
    occupations, occupation_weights = zip(*RURAL_OCCUPATIONS, strict=True)
    return _finish(
        rng=rng,
        plan=plan,
        horizon=horizon,
        participant=Participant(
            village=plan.village,
            nik=nik,
            name=_person(rng, sex=sex),
            sex=sex,
            birth_date=birth_date,
            occupation=rng.choices(occupations, occupation_weights)[0],
            monthly_income=INCOMES[0][0],
            has_jht=False,
            funding_source=cohort.funding,
            enrolled_on=enrolled_on,
        ),
    )


def _finish(*, rng: random.Random, plan: VillagePlan, horizon: datetime.date, participant: Participant) -> Drawn:
    """The draws every participant shares after their own: KPJ, payment history, phone, jorong."""
    if rng.random() < 0.8:
        participant.kpj = f"{rng.randrange(10**10, 10**11)}"
    months, exit_date, exit_reason, claim = _payment_history(
        rng=rng, plan=plan, enrolled_on=participant.enrolled_on, funding=participant.funding_source, horizon=horizon
    )
    participant.exit_date, participant.exit_reason = exit_date, exit_reason
    participant.phone = f"08{rng.choice(['12', '13', '52', '53', '77', '81'])}{rng.randrange(10**7, 10**8)}"
    participant.hamlet = rng.choice(DUSUN if plan.village.kind == Village.Kind.DESA else HAMLETS)
    plan.enrolled_by_year[participant.enrolled_on.year] += 1
    if participant.funding_source == FundingSource.VILLAGE_BUDGET:
        plan.budget_funded_by_year[participant.enrolled_on.year] += 1
    return Drawn(participant=participant, months=months, claim=claim)


def _village_draws(*, seed: int, plan: VillagePlan, horizon: datetime.date, serials: Counter) -> Iterator[Drawn]:
    """The village's planned participants, then its published figure's cohort until the figure is met."""
    aktif_in_month = 0
    for index in range(plan.size):
        # One random stream per planned participant: nothing drawn for one shifts another.
        drawn = _regular(
            rng=random.Random(f"{seed}:peserta:{plan.village.code}:{index}"),
            plan=plan,
            horizon=horizon,
            serials=serials,
        )
        if plan.cohort and plan.cohort.counts(drawn.participant, drawn.months, regular=True):
            aktif_in_month += 1
        yield drawn
    if plan.cohort is None:
        return
    for index in range(plan.cohort.quota * 20):
        if aktif_in_month >= plan.cohort.quota:
            return
        rng = random.Random(f"{seed}:{plan.cohort.stream}:{plan.village.code}:{index}")
        drawn = _cohort_member(rng=rng, plan=plan, horizon=horizon, serials=serials)
        aktif_in_month += plan.cohort.counts(drawn.participant, drawn.months, regular=False)
        yield drawn


def participants_write(
    *, seed: int, plans: list[VillagePlan], today: datetime.date, horizon: datetime.date, written: Counter
) -> int:
    """Participants with their contribution months and claims; returns how many participants were new."""
    rules = RuleBook.load()
    existing_niks = set(Participant.objects.values_list("nik", flat=True))
    used_kpj = set(Participant.objects.exclude(kpj=None).values_list("kpj", flat=True))
    serials: Counter = Counter()
    new_participants: list[Participant] = []
    payments: dict[str, list[tuple[datetime.date, datetime.date, str, str]]] = {}
    claims: dict[str, list[tuple[str, datetime.date, datetime.date | None, int]]] = {}

    for plan in plans:
        for drawn in _village_draws(seed=seed, plan=plan, horizon=horizon, serials=serials):
            participant = drawn.participant
            if participant.kpj in used_kpj:
                participant.kpj = None
            if participant.enrolled_on > today or participant.nik in existing_niks:
                continue
            if participant.exit_date is not None and participant.exit_date > today:  # not yet happened
                participant.exit_date, participant.exit_reason = None, ""
            existing_niks.add(participant.nik)
            if participant.kpj:
                used_kpj.add(participant.kpj)
            new_participants.append(participant)
            payments[participant.nik] = drawn.months
            if _awaiting_first_payment(seed=seed, participant=participant, today=today):
                payments[participant.nik] = []
            elif drawn.claim and drawn.claim[1] <= today:
                programme, event, paid, amount = drawn.claim
                claims[participant.nik] = [(programme, event, paid if paid <= today else None, amount)]
    for start in range(0, len(new_participants), BATCH):
        Participant.objects.bulk_create(new_participants[start : start + BATCH])
    # bulk_create sets the primary keys (RETURNING on SQLite and PostgreSQL).
    ids = {participant.nik: participant.pk for participant in new_participants}
    amounts: dict[tuple, int] = {}
    created_at = timezone.now()
    contributions = []
    for participant in new_participants:
        for month, paid_on, channel, funding in payments[participant.nik]:
            if paid_on > today:
                continue
            # Priced by the contribution rules (PP 50/2025's relief months included), as the forms price them.
            key = (month, participant.monthly_income, participant.has_jht, participant.occupation, funding)
            if key not in amounts:
                amounts[key] = rules.due(
                    month=month,
                    income=participant.monthly_income,
                    with_jht=participant.has_jht,
                    occupation=participant.occupation,
                    funding_source=funding,
                ).total
            contributions.append((participant.pk, month, amounts[key], paid_on, channel, funding, created_at))
    _contributions_insert(contributions)
    written["iuran"] += len(contributions)
    claim_rows = [
        Claim(participant_id=ids[nik], programme=programme, event_date=event, paid_on=paid, amount=amount)
        for nik, rows in claims.items()
        for programme, event, paid, amount in rows
    ]
    Claim.objects.bulk_create(claim_rows, batch_size=BATCH)
    written["peserta"] = len(new_participants)
    written["klaim"] = len(claim_rows)
    return len(new_participants)


def _contributions_insert(rows: list[tuple]) -> None:
    """Insert (participant id, month, amount, paid on, channel, funding source, created at) rows.

    The paid months are nearly all of the demo's rows. Multi-row INSERTs of plain values write them
    about three times faster than bulk_create, whose per-value preparation dominates (measured on
    SQLite: 192,000 rows in 7.5 s against 22 s). The database still checks every constraint.
    """
    names = ["participant", "month", "amount", "paid_on", "channel", "funding_source", "created_at"]
    columns = ", ".join(connection.ops.quote_name(Contribution._meta.get_field(name).column) for name in names)
    table = connection.ops.quote_name(Contribution._meta.db_table)
    per_statement = min(1000, (connection.features.max_query_params or 10_000) // len(names))
    row_marks = "(" + ", ".join(["%s"] * len(names)) + ")"
    adapt_date, adapt_datetime = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params = []
            for pk, month, amount, paid_on, channel, funding, created in batch:
                params += [
                    pk,
                    adapt_date(month),
                    amount,
                    adapt_date(paid_on),
                    channel,
                    funding,
                    adapt_datetime(created),
                ]
            values = ", ".join([row_marks] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)  # noqa: S608 - names from the model


def _awaiting_first_payment(*, seed: int, participant: Participant, today: datetime.date) -> bool:
    """Whether a recent registration is still waiting for its first iuran (its own random stream, so the
    other draws stay as they are)."""
    recent = participant.enrolled_on >= add_months(month_start(today), -AWAITING_RECENT_MONTHS)
    if not recent or participant.exit_date or participant.funding_source == FundingSource.VILLAGE_BUDGET:
        return False
    return random.Random(f"{seed}:iuran-pertama:{participant.nik}").random() < AWAITING_SHARE


def _payment_history(*, rng: random.Random, plan: VillagePlan, enrolled_on: datetime.date, funding: str, horizon):
    """Paid months (month, paid on, channel, funding), exit date and reason, and a claim if any."""
    last_month = month_start(horizon)
    hazard = {"tumbuh": 0.025, "stagnan": 0.045, "berhenti": 0.035}[plan.profile]
    if plan.village.code in PIONEERS:  # the award winners keep their participants paying
        hazard = 0.014
    months: list[tuple[datetime.date, datetime.date, str, str]] = []
    exit_date, exit_reason, claim = None, "", None
    month = month_start(enrolled_on)
    budget_funded = funding == FundingSource.VILLAGE_BUDGET
    block = 1
    while month <= last_month:
        lapsed = plan.lapse_month is not None and month >= plan.lapse_month
        monthly_stop = hazard + (0.15 if lapsed else 0) + (0.05 if lapsed and budget_funded else 0)
        # The chance of stopping accrues over every month the previous payment covered.
        if rng.random() < 1 - (1 - monthly_stop) ** block:
            if rng.random() < 0.35:  # stops for good and says so
                exit_date = month_end(month) - datetime.timedelta(days=rng.randint(0, 20))
                exit_date = max(exit_date, enrolled_on)
                exit_reason = rng.choice(["pindah", "berhenti", "berhenti"])
            break
        if rng.random() < 0.0005 * block:  # dies while covered: the heirs receive the JKM benefit
            exit_date = max(month + datetime.timedelta(days=rng.randint(0, 27)), enrolled_on)
            exit_reason = "meninggal"
            paid_on = exit_date + datetime.timedelta(days=rng.randint(10, 40))
            claim = (Programme.JKM, exit_date, paid_on, JKM_BENEFIT)
            months.append((month, month + datetime.timedelta(days=rng.randint(0, 9)), *_channel(rng, funding)))
            break
        if budget_funded and not lapsed:
            # The village treasurer pays the whole rest of the budget year in one go.
            block = 13 - month.month
        else:
            block = rng.choices([1, 3, 6, 12], weights=[70, 18, 8, 4])[0]
        paid_on = max(month + datetime.timedelta(days=rng.randint(0, 24)), enrolled_on)
        if rng.random() < 0.06:  # paid late: a month or two in arrears, then caught up
            paid_on = add_months(month, rng.randint(1, 2)) + datetime.timedelta(days=rng.randint(0, 20))
        channel = _channel(rng, funding)
        for covered in month_range(month, add_months(month, block - 1)):
            months.append((covered, paid_on, *channel))
        if rng.random() < 0.001 * block and claim is None:  # a work accident: JKK pays the treatment
            event = month + datetime.timedelta(days=rng.randint(0, 27))
            paid = event + datetime.timedelta(days=rng.randint(14, 60))
            claim = (Programme.JKK, event, paid, rng.randrange(15, 250) * 100_000)
        month = add_months(month, block)
        if rng.random() < 0.03:  # a gap that is never paid
            month = add_months(month, rng.randint(1, 5))
    if exit_date is not None:
        months = [entry for entry in months if entry[0] <= month_start(exit_date)]
    return months, exit_date, exit_reason, claim


def _channel(rng: random.Random, funding: str) -> tuple[str, str]:
    if funding == FundingSource.VILLAGE_BUDGET:
        return Contribution.Channel.TREASURER, funding
    if funding in (FundingSource.REGIONAL_BUDGET, FundingSource.CSR):
        return Contribution.Channel.BANK, funding
    channel = rng.choices(
        [Contribution.Channel.AGENT, Contribution.Channel.BANK, Contribution.Channel.ONLINE], weights=[55, 25, 20]
    )[0]
    return channel, funding


def person_name(rng: random.Random) -> str:
    first = rng.choice(MALE_NAMES + FEMALE_NAMES)
    return f"{first} {rng.choice(SECOND_NAMES)}"
