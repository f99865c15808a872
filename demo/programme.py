"""The villages' programme membership in the demo: commitments (agreement, regulation), village
budgets, agents, activities, awards, yearly targets and apparatus headcounts, each village from its
own random streams."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict

from demo.participants import person_name
from demo.plans import BATANG_BARUS, BATCH, KOTO_BARU, PIONEERS, SIKALANG, VillagePlan, village_rng
from demo.published import SIKALANG_MONTH
from participants.models import Claim, Occupation, Programme
from participants.months import month_end, month_start
from villages.designation import ApparatusHeadcount
from villages.models import Activity, Agent, Award, Budget, Commitment, Target, Village


def commitments_write(
    *, seed: int, plans: list[VillagePlan], today: datetime.date, horizon: datetime.date, written: Counter
) -> None:
    """Regulations, agreements, village budgets and agents (one random stream per village)."""
    existing_commitments = set(Commitment.objects.values_list("village_id", "kind"))
    existing_budgets = set(Budget.objects.values_list("village_id", "year"))
    existing_agents = set(Agent.objects.values_list("village_id", "role"))
    commitments, budgets, agents = [], [], []
    for plan in plans:
        rng = village_rng(seed, "komitmen", plan.village)
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
            budget_rng = village_rng(seed, "anggaran", village)
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
                name=person_name(rng),
                role=Agent.Role.PERISAI,
                phone=f"0812{rng.randrange(10**7, 10**8)}",
                active_since=plan.joined_on,
                active_until=end_of_programme,
            )
        ]
        candidates += [
            Agent(
                village=village,
                name=person_name(rng),
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


def activities_write(
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
        rng = village_rng(seed, "kegiatan", village)
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
        rng = village_rng(seed, "santunan", village)
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


def awards_and_targets_write(
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
            award = Award(village=village, year=year, level=level, rank=rank)
            if (village.code, level) == (SIKALANG, Award.Level.NATIONAL):
                award.title += " (diserahkan 13/12/2019)"  # as reported (demo/published.py)
            awards.append(award)
    Award.objects.bulk_create(awards)
    targets = []
    for plan in plans:
        rng = village_rng(seed, "target", plan.village)
        enrolled = 0
        for year in range(plan.joined_on.year, today.year + 1):
            enrolled += plan.enrolled_by_year[year]
            target = max(5, round(max(enrolled, plan.size // 3) * rng.uniform(1.05, 1.35) / 5) * 5)
            if (plan.village.pk, year) not in existing_targets:
                targets.append(Target(village=plan.village, year=year, active_participants=target))
    Target.objects.bulk_create(targets, batch_size=BATCH)
    written.update({"penghargaan": len(awards), "target": len(targets)})


def headcounts_write(*, seed: int, plans: list[VillagePlan], written: Counter) -> None:
    """How many apparatus each nagari and desa of the programme has: invented (8-18 a nagari, 6-11 a desa),
    except Sikalang's, which follows its designation in 2019 (all its apparatus aktif in 12/2019)."""
    existing = set(ApparatusHeadcount.objects.values_list("village_id", flat=True))
    rows = []
    for plan in plans:
        village = plan.village
        if village.kind == Village.Kind.KELURAHAN or village.pk in existing:
            continue
        if village.code == SIKALANG:
            count = village.participants.filter(
                occupation=Occupation.APPARATUS, contributions__month=SIKALANG_MONTH
            ).count()
            source = "Demo: perangkat aktif 12/2019 (syarat penetapan Desa Sadar: seluruh perangkat terdaftar)"
        else:
            rng = village_rng(seed, "perangkat", village)
            count = rng.randint(8, 18) if village.kind == Village.Kind.NAGARI else rng.randint(6, 11)
            source = "Demo: angka karangan, bukan SOTK desa"
        if count:
            rows.append(ApparatusHeadcount(village=village, count=count, source=source, year=2025))
    ApparatusHeadcount.objects.bulk_create(rows, batch_size=BATCH)
    written["jumlah perangkat"] = len(rows)
