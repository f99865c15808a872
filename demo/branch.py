"""A believable, deterministic demo branch built on the real regions (used by `manage.py seed_demo`).

Everything random comes from streams seeded with `--seed` (one for the branch plan, one
per planned participant, one per village and purpose), drawn up to a fixed horizon; only
what has happened by today is written. So the same seed gives the same branch, and rows
are keyed (NIK, village + year, ...) and written only when missing: a second run adds
nothing, a run on a later day adds only what has happened since.

Populations: the 2025 regency totals (Kepmendagri) are SPREAD over the villages of
each regency with random weights. The per-village figures are demo figures, not
real village data, and the source field says so.
"""

from __future__ import annotations

import csv
import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.utils import timezone

from evaluations.models import EvaluationCycle, Rubric
from evaluations.services import cycle_open
from participants.models import (
    Claim,
    Contribution,
    ContributionRate,
    FundingSource,
    Occupation,
    Participant,
    Programme,
    Sex,
)
from participants.months import add_months, month_end, month_range, month_start
from participants.stats import stats_refresh_all
from villages.access import ROLE_ADMIN, ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF
from villages.models import Activity, Agent, Assignment, Award, Budget, Commitment, Target, Village

POPULATION_CSV = Path(__file__).resolve().parent.parent / "villages" / "data" / "penduduk_kabupaten_2025.csv"
POPULATION_SOURCE = "Demo: total kabupaten/kota Kepmendagri 2025 disebar acak ke desa (bukan data desa)"
DEMO_PASSWORD = "demo12345"  # noqa: S105 - the documented password of the demo accounts
# Participants planned up to PLAN_HORIZON at --scale 1: about 8,000 of them have enrolled by late 2026.
PLANNED_PARTICIPANTS = 11_500
DEFAULT_PARTICIPANTS = 8_000
BATCH = 5_000
JKM_BENEFIT = 42_000_000
# Everything is drawn up to this horizon and only what has happened by today is written, so the
# draws do not depend on the day: a run on a later day adds what has happened since, never duplicates.
PLAN_HORIZON = datetime.date(2030, 12, 31)
CYCLE_NAME = "Anev 2019–2022"
DEFAULT_RUBRIC_NAME = "Rubrik Standar Desa Sadar"

BATANG_BARUS = "13.02.07.2006"
SIKALANG = "13.73.04.2010"
KOTO_BARU = "13.02.10.2001"  # Nagari Koto Baru, Kec. Kubung, Kab. Solok
# The villages the branch's news report names as the 2019 pioneers, with their demo weight.
PIONEERS = {
    KOTO_BARU: 4.0,
    SIKALANG: 4.0,
    BATANG_BARUS: 3.0,
    "13.02.09.2007": 2.5,  # Guguak Sarai
    "13.03.04.2004": 2.5,  # Pematang Panjang
    "13.02.12.2004": 2.0,  # Kuncir
    "13.02.07.2002": 2.0,  # Talang
    "13.03.09.2005": 2.0,  # Sumpur Kudus
}
# How many more villages joined in each year (in demo order).
JOINED_PER_YEAR = {2019: 10, 2020: 18, 2021: 16, 2022: 12, 2023: 12, 2024: 10, 2025: 8, 2026: 6}

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

DEMO_USERS = [
    # username, first name, last name, role, superuser, staff, village code
    ("admin", "Admin", "Cabang", ROLE_ADMIN, True, True, None),
    ("staf", "Rahmat", "Hidayat", ROLE_STAFF, False, True, None),
    ("kepala", "Kepala", "Cabang", ROLE_HEAD, False, False, None),
    ("operator.batangbarus", "Yusnimar", "Operator Batang Barus", ROLE_OFFICIAL, False, False, BATANG_BARUS),
    ("operator.sikalang", "Afrizal", "Operator Sikalang", ROLE_OFFICIAL, False, False, SIKALANG),
]


@dataclass
class VillagePlan:
    village: Village
    joined_on: datetime.date
    profile: str  # "tumbuh" (grows), "stagnan" (stalls) or "berhenti" (lapses)
    size: int = 0
    lapse_month: datetime.date | None = None
    village_budget_share: float = 0.0
    enrolled_by_year: Counter = field(default_factory=Counter)
    budget_funded_by_year: Counter = field(default_factory=Counter)


def demo_branch_build(
    *, seed: int, scale: float, today: datetime.date, log: Callable[[str], None] = lambda message: None
) -> dict[str, int]:
    """Build (or complete) the demo branch; returns how many rows of each kind were written."""
    rng = random.Random(seed)
    horizon = max(PLAN_HORIZON, datetime.date(today.year, 12, 31))
    written: Counter = Counter()
    with transaction.atomic():
        written["pengguna"] = demo_users_ensure()
        villages = list(Village.objects.select_related("district__regency").order_by("code"))
        written["desa (penduduk)"] = _spread_populations(rng=rng, villages=villages)
        plans = _programme_plans(rng=rng, villages=villages, horizon=horizon, total=round(PLANNED_PARTICIPANTS * scale))
        plans = [plan for plan in plans if plan.joined_on <= today]
        Village.objects.bulk_update([plan.village for plan in plans], ["joined_on"], batch_size=BATCH)
        log(f"{len(plans)} desa dalam program")
        created = _participants(seed=seed, plans=plans, today=today, horizon=horizon, written=written)
        _commitments(seed=seed, plans=plans, today=today, horizon=horizon, written=written)
        _activities(seed=seed, plans=plans, today=today, horizon=horizon, written=written)
        _awards_and_targets(seed=seed, plans=plans, today=today, horizon=horizon, written=written)
        stats_refresh_all()
        written["evaluasi desa"] = _first_cycle()
    log(f"{created} peserta baru ditulis")
    return dict(written)


def demo_users_ensure() -> int:
    """The five demo accounts, all with password demo12345; returns how many were created."""
    created_count = 0
    hashed = make_password(DEMO_PASSWORD)  # hashed once: the same password for every demo account
    for username, first, last, role, superuser, staff, village_code in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_superuser": superuser, "is_staff": staff},
        )
        if created:
            user.password = hashed
            user.save(update_fields=["password"])
            created_count += 1
        user.groups.add(Group.objects.get(name=role))
        if village_code:
            Assignment.objects.get_or_create(user=user, village=Village.objects.get(code=village_code))
    return created_count


def _spread_populations(*, rng: random.Random, villages: list[Village]) -> int:
    """Spread each regency's 2025 total over its villages; returns how many villages got figures."""
    with open(POPULATION_CSV, encoding="utf-8") as handle:
        totals = {row["code"]: int(row["total"]) for row in csv.DictReader(handle)}
    by_regency: dict[str, list[Village]] = defaultdict(list)
    for village in villages:
        by_regency[village.district.regency.code].append(village)
    changed = []
    for regency_code, members in sorted(by_regency.items()):
        total = totals.get(regency_code)
        if not total:
            continue
        weights = [
            rng.uniform(0.5, 1.6)
            * (2.5 if v.kind == Village.Kind.KELURAHAN else 1.0)
            * (2.0 if v.code in PIONEERS else 1.0)
            for v in members
        ]
        shares = [int(total * weight / sum(weights)) for weight in weights]
        shares[0] += total - sum(shares)
        for village, population in zip(members, shares, strict=True):
            working_age = round(population * rng.uniform(0.64, 0.71))
            if village.population is None and village.working_age_population is None:
                village.population, village.population_source, village.population_year = (
                    population,
                    POPULATION_SOURCE,
                    2025,
                )
                village.working_age_population = working_age
                village.working_age_source, village.working_age_year = POPULATION_SOURCE, 2025
                changed.append(village)
    Village.objects.bulk_update(
        changed,
        [
            "population",
            "population_source",
            "population_year",
            "working_age_population",
            "working_age_source",
            "working_age_year",
        ],
        batch_size=BATCH,
    )
    return len(changed)


def _programme_plans(*, rng: random.Random, villages: list[Village], horizon: datetime.date, total: int) -> list:
    """Which villages joined when, how each one fares, and how many participants it gets."""
    by_code = {village.code: village for village in villages}
    plans = [
        VillagePlan(
            village=by_code[code],
            joined_on=datetime.date(2019, rng.randint(3, 8), rng.randint(1, 28)),
            profile="tumbuh",
        )
        for code in PIONEERS
    ]
    plans[0].joined_on = datetime.date(2019, 4, 15)  # Koto Baru
    plans[1].joined_on = datetime.date(2019, 3, 20)  # Sikalang
    others = [village for village in villages if village.code not in PIONEERS]
    rng.shuffle(others)
    cursor = 0
    for year, count in JOINED_PER_YEAR.items():
        for village in others[cursor : cursor + count]:
            joined = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            profile = rng.choices(["tumbuh", "stagnan", "berhenti"], weights=[5, 3, 2])[0]
            plans.append(VillagePlan(village=village, joined_on=joined, profile=profile))
        cursor += count
    weights = []
    for plan in plans:
        years = max(0.3, (horizon - plan.joined_on).days / 365)
        weight = PIONEERS.get(plan.village.code, rng.uniform(0.5, 1.5)) * min(years, 4) ** 0.7
        weights.append(weight * (0.6 if plan.profile == "berhenti" else 1.0))
        if plan.profile == "berhenti":
            plan.lapse_month = month_start(add_months(plan.joined_on, rng.randint(20, 36)))
            if plan.lapse_month >= month_start(horizon):
                plan.profile, plan.lapse_month = "stagnan", None
        plan.village_budget_share = (
            rng.choice([0.0, 0.0, 0.15, 0.3, 0.5]) if plan.village.kind != Village.Kind.KELURAHAN else 0
        )
        plan.village.joined_on = plan.joined_on
    sizes = [max(1, int(total * weight / sum(weights))) for weight in weights]
    for plan, size in zip(plans, sizes, strict=True):
        plan.size = size
    return plans


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


def _participants(
    *, seed: int, plans: list[VillagePlan], today: datetime.date, horizon: datetime.date, written: Counter
) -> int:
    """Participants with their contribution months and claims; returns how many participants were new."""
    rates = list(ContributionRate.objects.order_by("valid_from"))
    existing_niks = set(Participant.objects.values_list("nik", flat=True))
    used_kpj = set(Participant.objects.exclude(kpj=None).values_list("kpj", flat=True))
    serials: Counter = Counter()
    new_participants: list[Participant] = []
    payments: dict[str, list[tuple[datetime.date, datetime.date, str, str]]] = {}
    claims: dict[str, list[tuple[str, datetime.date, datetime.date | None, int]]] = {}

    def rate_on(month: datetime.date) -> ContributionRate:
        return max((rate for rate in rates if rate.valid_from <= month), key=lambda rate: rate.valid_from)

    for plan in plans:
        village = plan.village
        region = village.code[:8].replace(".", "")
        town = village.kind == Village.Kind.KELURAHAN or village.code.startswith(("13.72", "13.73"))
        occupations, occupation_weights = zip(*(TOWN_OCCUPATIONS if town else RURAL_OCCUPATIONS), strict=True)
        incomes, income_weights = zip(*INCOMES, strict=True)
        hamlets = DUSUN if village.kind == Village.Kind.DESA else HAMLETS
        for index in range(plan.size):
            # One random stream per planned participant: nothing drawn for one shifts another.
            rng = random.Random(f"{seed}:peserta:{village.code}:{index}")
            sex = Sex.MALE if rng.random() < 0.56 else Sex.FEMALE
            enrolled_on = _enrolment_date(rng=rng, plan=plan, horizon=horizon)
            age = rng.randint(18, 58)
            birth_date = datetime.date(enrolled_on.year - age, rng.randint(1, 12), rng.randint(1, 28))
            nik = _nik(region=region, birth_date=birth_date, sex=sex, serials=serials)
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
            first = (MALE_NAMES if sex == Sex.MALE else FEMALE_NAMES)[rng.randrange(30)]
            name = f"{first} {SECOND_NAMES[rng.randrange(len(SECOND_NAMES))]}"
            kpj = None
            if rng.random() < 0.8:
                kpj = f"{rng.randrange(10**10, 10**11)}"
                kpj = None if kpj in used_kpj else kpj
            months, exit_date, exit_reason, claim = _payment_history(
                rng=rng, plan=plan, enrolled_on=enrolled_on, funding=funding, horizon=horizon
            )
            phone = f"08{rng.choice(['12', '13', '52', '53', '77', '81'])}{rng.randrange(10**7, 10**8)}"
            hamlet = rng.choice(hamlets)
            plan.enrolled_by_year[enrolled_on.year] += 1
            if funding == FundingSource.VILLAGE_BUDGET:
                plan.budget_funded_by_year[enrolled_on.year] += 1
            if enrolled_on > today or nik in existing_niks:
                continue
            if exit_date is not None and exit_date > today:  # not yet happened
                exit_date, exit_reason = None, ""
            existing_niks.add(nik)
            if kpj:
                used_kpj.add(kpj)
            new_participants.append(
                Participant(
                    village=village,
                    nik=nik,
                    kpj=kpj,
                    name=name,
                    sex=sex,
                    birth_date=birth_date,
                    phone=phone,
                    hamlet=hamlet,
                    occupation=occupation,
                    monthly_income=income,
                    has_jht=has_jht,
                    funding_source=funding,
                    enrolled_on=enrolled_on,
                    exit_date=exit_date,
                    exit_reason=exit_reason,
                )
            )
            payments[nik] = months
            if claim and claim[1] <= today:
                programme, event, paid, amount = claim
                claims[nik] = [(programme, event, paid if paid <= today else None, amount)]
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
            rate = rate_on(month)
            key = (rate.pk, participant.monthly_income, participant.has_jht)
            if key not in amounts:
                amounts[key] = rate.monthly_amount(income=participant.monthly_income, with_jht=participant.has_jht)
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


def _commitments(
    *, seed: int, plans: list[VillagePlan], today: datetime.date, horizon: datetime.date, written: Counter
) -> None:
    """Regulations, agreements, village budgets and agents (one random stream per village)."""
    existing_commitments = set(Commitment.objects.values_list("village_id", "kind"))
    existing_budgets = set(Budget.objects.values_list("village_id", "year"))
    existing_agents = set(Agent.objects.values_list("village_id", "role"))
    commitments, budgets, agents = [], [], []
    for plan in plans:
        rng = _village_rng(seed, "komitmen", plan.village)
        village = plan.village
        end_of_programme = plan.lapse_month
        word = {"nagari": "Peraturan Nagari", "desa": "Peraturan Desa"}.get(village.kind)
        signed = plan.joined_on
        limited = end_of_programme is not None or rng.random() < 0.3
        candidates = [
            Commitment(
                village=village,
                kind=Commitment.Kind.AGREEMENT,
                number=f"{rng.randint(10, 99)}/PKS/BPJSTK-SLK/{signed.year}",
                title="Perjanjian kerja sama perlindungan jaminan sosial ketenagakerjaan",
                signed_on=signed,
                valid_until=signed.replace(year=signed.year + 3) - datetime.timedelta(days=1) if limited else None,
            )
        ]
        regulation_day = plan.joined_on + datetime.timedelta(days=rng.randint(60, 400))
        if word and rng.random() < 0.7 and regulation_day <= today:
            candidates.append(
                Commitment(
                    village=village,
                    kind=Commitment.Kind.REGULATION,
                    number=f"{word} Nomor {rng.randint(1, 12)} Tahun {regulation_day.year}",
                    title="Perlindungan jaminan sosial ketenagakerjaan bagi masyarakat dan perangkat",
                    signed_on=regulation_day,
                )
            )
        commitments += [row for row in candidates if (village.pk, row.kind) not in existing_commitments]
        if plan.village_budget_share or village.kind != Village.Kind.KELURAHAN:
            budget_rng = _village_rng(seed, "anggaran", village)
            last_year = (end_of_programme.year - 1) if end_of_programme else horizon.year
            funded = 0
            for year in range(plan.joined_on.year, last_year + 1):
                # Enough for the year's iuran of the workers and apparatus it funds, with some slack.
                funded += plan.budget_funded_by_year[year]
                amount = max(5, round(funded * 12 * 20_000 * budget_rng.uniform(0.9, 1.4) / 1_000_000)) * 1_000_000
                if year == plan.joined_on.year:
                    continue
                if year <= today.year and (village.pk, year) not in existing_budgets:
                    budgets.append(Budget(village=village, year=year, amount=amount))
        candidates = [
            Agent(
                village=village,
                name=_person(rng),
                role=Agent.Role.PERISAI,
                phone=f"0812{rng.randrange(10**7, 10**8)}",
                active_since=plan.joined_on,
                active_until=end_of_programme,
            )
        ]
        candidates += [
            Agent(
                village=village,
                name=_person(rng),
                role=Agent.Role.KADER,
                active_since=plan.joined_on + datetime.timedelta(days=rng.randint(0, 200)),
            )
            for _number in range(rng.randint(1, 3))
        ]
        agents += [row for row in candidates if (village.pk, row.role) not in existing_agents]
    Commitment.objects.bulk_create(commitments, batch_size=BATCH)
    Budget.objects.bulk_create(budgets, batch_size=BATCH)
    Agent.objects.bulk_create(agents, batch_size=BATCH)
    written.update({"komitmen": len(commitments), "anggaran": len(budgets), "agen": len(agents)})


def _village_rng(seed: int, stage: str, village: Village) -> random.Random:
    """An independent, reproducible random stream per stage and village: skipping rows that already
    exist in one village cannot shift what another village gets."""
    return random.Random(f"{seed}:{stage}:{village.code}")


def _person(rng: random.Random) -> str:
    first = rng.choice(MALE_NAMES + FEMALE_NAMES)
    return f"{first} {rng.choice(SECOND_NAMES)}"


def _activities(
    *, seed: int, plans: list[VillagePlan], today: datetime.date, horizon: datetime.date, written: Counter
) -> None:
    """The launch socialisation, then a few activities a year; a benefit hand-over for every JKM paid."""
    existing = set(Activity.objects.values_list("village_id", "date", "kind"))
    jkm_paid: dict[int, list[datetime.date]] = defaultdict(list)
    jkm_claims = Claim.objects.filter(programme=Programme.JKM, paid_on__isnull=False).order_by("paid_on", "pk")
    for village_id, paid_on in jkm_claims.values_list("participant__village_id", "paid_on"):
        jkm_paid[village_id].append(paid_on)
    rows: dict[tuple, Activity] = {}

    def add(village: Village, day: datetime.date, kind: str, title: str, attendees: int, enrolled: int) -> None:
        key = (village.pk, day, kind)
        if day <= today and key not in existing and key not in rows:
            rows[key] = Activity(
                village=village,
                date=day,
                kind=kind,
                title=title,
                attendees=attendees,
                enrolled_on_spot=min(enrolled, attendees),
            )

    for plan in plans:
        village = plan.village
        rng = _village_rng(seed, "kegiatan", village)
        add(
            village,
            plan.joined_on,
            Activity.Kind.SOCIALISATION,
            "Peluncuran Desa Sadar Jamsostek",
            60 + rng.randrange(90),
            max(1, plan.size // 4),
        )
        last = plan.lapse_month or month_start(horizon)
        for year in range(plan.joined_on.year, horizon.year + 1):
            for _number in range(rng.randint(1, 4)):
                day = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                if plan.joined_on < day <= month_end(last):
                    kind = rng.choices(
                        [
                            Activity.Kind.SOCIALISATION,
                            Activity.Kind.TRAINING,
                            Activity.Kind.COORDINATION,
                            Activity.Kind.DOOR_TO_DOOR,
                        ],
                        weights=[45, 15, 20, 20],
                    )[0]
                    attendees = rng.randint(8, 40) if kind == Activity.Kind.DOOR_TO_DOOR else rng.randint(15, 120)
                    add(village, day, kind, "", attendees, rng.randint(0, attendees // 5))
        rng = _village_rng(seed, "santunan", village)
        for paid_on in jkm_paid[village.pk]:
            add(
                village,
                paid_on + datetime.timedelta(days=rng.randint(1, 14)),
                Activity.Kind.BENEFIT_HANDOVER,
                "Penyerahan santunan JKM kepada ahli waris",
                rng.randint(20, 80),
                rng.randint(0, 10),
            )
    Activity.objects.bulk_create(rows.values(), batch_size=BATCH)
    written["kegiatan"] = len(rows)


def _awards_and_targets(
    *, seed: int, plans: list[VillagePlan], today: datetime.date, horizon: datetime.date, written: Counter
) -> None:
    rng = random.Random(f"{seed}:penghargaan")
    existing_awards = set(Award.objects.values_list("village_id", "year", "level"))
    existing_targets = set(Target.objects.values_list("village_id", "year"))
    by_code = {plan.village.code: plan.village for plan in plans}
    wanted = [
        (by_code[SIKALANG], 2019, Award.Level.NATIONAL, Award.Rank.SECOND),
        (by_code[KOTO_BARU], 2019, Award.Level.NATIONAL, Award.Rank.HONOURABLE_1),
        (by_code[SIKALANG], 2019, Award.Level.PROVINCE, Award.Rank.FIRST),
        (by_code[BATANG_BARUS], 2020, Award.Level.PROVINCE, Award.Rank.THIRD),
    ]
    # Winners among the villages of the first years only, so the list does not change with the day.
    growing = [
        plan.village
        for plan in plans
        if plan.profile == "tumbuh" and plan.village.code not in PIONEERS and plan.joined_on.year <= 2022
    ]
    for year in range(2020, horizon.year):
        for rank in (Award.Rank.FIRST, Award.Rank.SECOND, Award.Rank.THIRD):
            winner = rng.choice(growing)
            if year < today.year and winner.joined_on.year <= year:
                wanted.append((winner, year, Award.Level.BRANCH, rank))
    awards = []
    for village, year, level, rank in wanted:
        if (village.pk, year, level) not in existing_awards:
            existing_awards.add((village.pk, year, level))
            awards.append(Award(village=village, year=year, level=level, rank=rank))
    Award.objects.bulk_create(awards)
    targets = []
    for plan in plans:
        rng = _village_rng(seed, "target", plan.village)
        enrolled = 0
        for year in range(plan.joined_on.year, today.year + 1):
            enrolled += plan.enrolled_by_year[year]
            target = max(5, round(max(enrolled, plan.size // 3) * rng.uniform(1.05, 1.35) / 5) * 5)
            if (plan.village.pk, year) not in existing_targets:
                targets.append(Target(village=plan.village, year=year, active_participants=target))
    Target.objects.bulk_create(targets, batch_size=BATCH)
    written.update({"penghargaan": len(awards), "target": len(targets)})


def _first_cycle() -> int:
    """The first anev cycle, 2019–2022, opened with one draft evaluation per village in the programme."""
    cycle, _created = EvaluationCycle.objects.get_or_create(
        name=CYCLE_NAME,
        defaults={
            "start_month": datetime.date(2019, 1, 1),
            "end_month": datetime.date(2022, 12, 1),
            "baseline_date": datetime.date(2019, 1, 1),
            # The default rubric of the data migration, or the first one if an administrator renamed it.
            "rubric": Rubric.objects.filter(name=DEFAULT_RUBRIC_NAME).first() or Rubric.objects.order_by("pk").first(),
        },
    )
    if cycle.status != EvaluationCycle.Status.OPEN:  # closed since the last run: leave it as it is
        return 0
    return cycle_open(cycle=cycle, user=None)
