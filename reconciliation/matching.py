"""Matching an extract's rows against the participants and paid months recorded here (docs/reconciliation.md).

The extract's rows are first gathered into persons (a payment list has one row per paid month): by NIK,
and rows that give only a KPJ join the person holding that KPJ. A person is then looked up here by NIK,
then by KPJ. These are conflicts, not matches, and stop the comparison of that person's months:

- a KPJ that belongs here to another NIK (or, in the extract, to two NIKs);
- a NIK registered here under another KPJ (or, in the extract, under two KPJs);
- a name or birth date that disagrees (names compared leniently: case, spacing, titles and degrees).

A matched person is compared further: the village (when the extract names one), the KPJ (missing here), and
the paid months. A payment list covers the months from its first to its last: a month paid there and not
recorded here is `bulan_kurang`, a month recorded here in that period and not paid there `bulan_lebih`
(also for participants who do not appear in it at all). A participant list gives only the last paid month:
a later one than here is `bulan_kurang` (that month), and the months recorded here after it `bulan_lebih`.
A participant list also says who is registered at all: the participants registered here on the extract's
date whom it does not list are `hanya_sini`. Everything is written as `Finding` rows and per-village counts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from participants.models import Contribution, Participant
from participants.parsing import alnum
from participants.rules import RuleBook, RuleError, contribution_due
from reconciliation.imports import name_key
from reconciliation.models import (
    PERSON_DISAGREEMENTS,
    Extract,
    ExtractRow,
    Finding,
    FindingKind,
    Shape,
    VillageResult,
)
from reconciliation.readings import Confirmed, branch_readings, reported_figures, village_readings
from villages.models import Village

CHUNK = 2000


@dataclass
class CorePerson:
    niks: set[str] = field(default_factory=set)
    kpjs: set[str] = field(default_factory=set)
    rows: list[ExtractRow] = field(default_factory=list)

    @property
    def first(self) -> ExtractRow:
        return self.rows[0]

    @property
    def nik(self) -> str:
        return min(self.niks) if self.niks else ""

    @property
    def kpj(self) -> str:
        return min(self.kpjs) if self.kpjs else ""

    def value(self, name: str):
        """The first value the person's rows give for `name` (names and dates repeat on a payment list)."""
        return next((getattr(row, name) for row in self.rows if getattr(row, name)), None)

    @property
    def months(self) -> set[datetime.date]:
        return {row.month for row in self.rows if row.month}


def gather(rows: list[ExtractRow]) -> list[CorePerson]:
    """The extract's persons: rows by NIK; a row with only a KPJ joins the person with that KPJ."""
    by_nik: dict[str, CorePerson] = {}
    by_kpj_only: dict[str, CorePerson] = {}
    for row in rows:
        if row.nik:
            person = by_nik.setdefault(row.nik, CorePerson())
            person.niks.add(row.nik)
        else:
            person = by_kpj_only.setdefault(row.kpj, CorePerson())
        if row.kpj:
            person.kpjs.add(row.kpj)
        person.rows.append(row)
    persons = list(by_nik.values())
    holders: dict[str, list[CorePerson]] = defaultdict(list)
    for person in persons:
        for kpj in person.kpjs:
            holders[kpj].append(person)
    for kpj, person in by_kpj_only.items():
        if len(holders.get(kpj, [])) == 1:
            holders[kpj][0].rows.extend(person.rows)
        else:
            persons.append(person)
    return persons


# Words before a village's name that the extract may or may not write.
VILLAGE_PREFIXES = ("kelurahan", "nagari", "desa", "kel", "nag", "ds")


def village_key(written: str) -> str:
    key = alnum(written)
    for prefix in VILLAGE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix) + 2:
            return key[len(prefix) :]
    return key


class VillageNames:
    """Every village by code and by name (with or without nagari/desa/kelurahan): a name may name several."""

    def __init__(self):
        self.by_key: dict[str, set[int]] = defaultdict(set)
        for pk, code, name in Village.objects.values_list("pk", "code", "name"):
            self.by_key[code].add(pk)
            self.by_key[alnum(code)].add(pk)
            self.by_key[village_key(name)].add(pk)

    def find(self, resolved: int | None, written: str | None) -> tuple[int | None, set[int]]:
        """The village (when one only) and every village the extract's text may mean."""
        if resolved:
            return resolved, {resolved}
        if not written:
            return None, set()
        candidates = self.by_key.get(written.strip()) or self.by_key.get(village_key(written)) or set()
        return (next(iter(candidates)) if len(candidates) == 1 else None), set(candidates)


class Matcher:
    def __init__(self, extract: Extract):
        self.extract = extract
        self.findings: list[Finding] = []
        self.agree: dict[int | None, set] = defaultdict(set)
        self.disagree: dict[int | None, set] = defaultdict(set)
        self.seen: set[int] = set()
        self.rules = RuleBook.load()

    def add(self, kind: str, *, person: CorePerson | None, participant=None, village_id=None, **values) -> None:
        village_id = participant.village_id if participant is not None and village_id is None else village_id
        finding = Finding(
            extract=self.extract,
            kind=kind,
            village_id=village_id,
            participant=participant,
            row=person.first if person else None,
            nik=(participant.nik if participant else "") or (person.nik if person else ""),
            kpj=(person.kpj if person else "") or (participant.kpj if participant and participant.kpj else ""),
            name=(participant.name if participant else "") or (person.value("name") if person else "") or "",
            **values,
        )
        finding.detail = finding.detail[:300]
        self.findings.append(finding)
        who = participant.pk if participant else f"{finding.nik}/{finding.kpj}"
        if kind == FindingKind.AGREE:
            self.agree[village_id].add(who)
        elif kind in PERSON_DISAGREEMENTS:
            self.disagree[village_id].add(who)

    def run(self) -> None:
        extract = self.extract
        rows = list(ExtractRow.objects.filter(extract=extract).order_by("row"))
        months = [row.month for row in rows if row.month]
        extract.first_month = min(months) if months else None
        extract.last_month = max(months) if months else None
        self.reference = extract.reference
        self.confirmed = Confirmed(shape=extract.shape, reference=self.reference)
        participants = list(Participant.objects.all())
        self.by_nik = {p.nik: p for p in participants}
        self.by_kpj = {p.kpj: p for p in participants if p.kpj}
        self.villages = VillageNames()
        persons = gather(rows)
        kpj_niks: dict[str, set[str]] = defaultdict(set)
        for person in persons:
            for kpj in person.kpjs:
                kpj_niks[kpj] |= person.niks
        self.paid_here = self._paid_here(participants)
        for person in persons:
            self.person(person, kpj_niks)
        self.unmatched(participants)
        self.save(participants)

    def _paid_here(self, participants) -> dict[int, set[datetime.date]]:
        """The months recorded here that the comparison reads: the payment list's period, or for a participant
        list every month up to the reference month."""
        extract = self.extract
        queryset = Contribution.objects.all()
        if extract.shape == Shape.PAYMENTS:
            if extract.first_month is None:
                return {}
            queryset = queryset.filter(month__gte=extract.first_month, month__lte=extract.last_month)
        else:
            queryset = queryset.filter(month__lte=self.reference)
        paid: dict[int, set[datetime.date]] = defaultdict(set)
        for participant_id, month in queryset.values_list("participant_id", "month").iterator(chunk_size=CHUNK):
            paid[participant_id].add(month)
        return paid

    def person(self, person: CorePerson, kpj_niks: dict[str, set[str]]) -> None:
        nik, kpj = person.nik, person.kpj
        by_nik = self.by_nik.get(nik) if nik else None
        by_kpj = self.by_kpj.get(kpj) if kpj else None
        target = by_nik or by_kpj
        reasons = []
        if len(person.kpjs) > 1:
            reasons.append(f"NIK ini memakai dua KPJ di sistem inti ({', '.join(sorted(person.kpjs))}).")
        # A KPJ two NIKs share in the extract is the conflict of the one(s) it does not belong to here.
        shared = sorted(
            {k for k in person.kpjs if len(kpj_niks[k]) > 1 and not (by_nik is not None and by_nik.kpj == k)}
        )
        if shared:
            reasons.append(f"KPJ {', '.join(shared)} dipakai lebih dari satu NIK di sistem inti.")
        if by_nik and by_kpj and by_nik != by_kpj:
            reasons.append(f"KPJ {kpj} di sini milik NIK lain ({by_kpj.masked_nik}, {by_kpj.name}).")
        if by_nik and kpj and by_nik.kpj and by_nik.kpj != kpj:
            reasons.append(f"NIK ini di sini terdaftar dengan KPJ {by_nik.kpj}, di sistem inti dengan KPJ {kpj}.")
        if not by_nik and by_kpj and nik and by_kpj.nik != nik:
            reasons.append(f"KPJ {kpj} di sini milik NIK lain ({by_kpj.masked_nik}, {by_kpj.name}).")
        if target is not None:
            name = person.value("name")
            if name and name_key(name) != name_key(target.name):
                reasons.append(f"Nama berbeda: di sini {target.name}, di sistem inti {name}.")
            birth = person.value("birth_date")
            if birth and birth != target.birth_date:
                reasons.append(
                    f"Tanggal lahir berbeda: di sini {target.birth_date:%d/%m/%Y}, di sistem inti {birth:%d/%m/%Y}."
                )
        core_village, candidates = self.villages.find(person.value("village_id"), person.value("village_text"))
        if reasons:
            village_id = target.village_id if target else core_village
            self.add(
                FindingKind.CONFLICT, person=person, participant=target, village_id=village_id, detail=" ".join(reasons)
            )
            for involved in (by_nik, by_kpj):
                if involved is not None:
                    self.seen.add(involved.pk)
            return
        if target is None:
            where = person.value("village_text") or ""
            detail = f"Desa menurut ekstrak: {where}." if where else "Ekstrak tidak menyebut desa: belum ditempatkan."
            if where and core_village is None:
                detail = f"Desa menurut ekstrak ({where}) tidak dikenal: belum ditempatkan."
            self.add(FindingKind.CORE_ONLY, person=person, village_id=core_village, detail=detail)
            self.confirmed.add(core_village, person, None)
            return
        self.seen.add(target.pk)
        self.matched(person, target, core_village or None, candidates)

    def matched(self, person: CorePerson, target: Participant, core_village, candidates: set[int]) -> None:
        before = len(self.findings)
        # A village name two villages share still says "another village" when neither is the participant's.
        if candidates and target.village_id not in candidates:
            where = person.value("village_text")
            self.add(
                FindingKind.OTHER_VILLAGE,
                person=person,
                participant=target,
                detail=f"Di sini terdaftar di {target.village}; menurut sistem inti di {where}.",
            )
        if person.kpj and not target.kpj:
            self.add(
                FindingKind.KPJ_MISSING, person=person, participant=target, detail=f"KPJ di sistem inti: {person.kpj}."
            )
        here = self.paid_here.get(target.pk, set())
        if self.extract.shape == Shape.PAYMENTS:
            core = person.months
            missing, unpaid = sorted(core - here), sorted(here - core)
        else:
            last = person.value("month")
            latest = max(here) if here else None
            missing = [last] if last and (latest is None or last > latest) else []
            unpaid = sorted(month for month in here if last is None or month > last)
        for month in missing:
            self.add(
                FindingKind.MISSING_HERE,
                person=person,
                participant=target,
                month=month,
                detail=self._paid_detail(person, month),
            )
        for month in unpaid:
            self.add(
                FindingKind.UNPAID_IN_CORE,
                person=person,
                participant=target,
                month=month,
                detail="Tidak dibayar menurut sistem inti: periksa buktinya.",
            )
        self._amounts(person, target)
        if len(self.findings) == before or all(f.kind == FindingKind.AMOUNT for f in self.findings[before:]):
            self.add(FindingKind.AGREE, person=person, participant=target)
        self.confirmed.add(target.village_id, person, target)

    def _paid_detail(self, person: CorePerson, month: datetime.date) -> str:
        row = next((row for row in person.rows if row.month == month), None)
        parts = ["Dibayar menurut sistem inti"]
        if row and row.amount:
            parts.append(f"Rp {row.amount:,}".replace(",", "."))
        if row and row.paid_on:
            parts.append(f"tanggal {row.paid_on:%d/%m/%Y}")
        return " ".join(parts) + "."

    def _amounts(self, person: CorePerson, target: Participant) -> None:
        if self.extract.shape != Shape.PAYMENTS:
            return
        for row in person.rows:
            if not row.amount or not row.month or row.month < target.enrolled_on.replace(day=1):
                continue
            try:
                due = contribution_due(participant=target, month=row.month, rules=self.rules).total
            except RuleError:
                continue
            if row.amount != due:
                self.add(
                    FindingKind.AMOUNT,
                    person=person,
                    participant=target,
                    month=row.month,
                    detail=f"Baris {row.row}: Rp {row.amount:,} di sistem inti, aturan iuran Rp {due:,}.".replace(
                        ",", "."
                    ),
                )

    def unmatched(self, participants: list[Participant]) -> None:
        """Participants here that no person of the extract matched."""
        on = self.extract.extract_date
        for participant in participants:
            if participant.pk in self.seen:
                continue
            if self.extract.shape == Shape.PARTICIPANTS:
                registered = participant.enrolled_on <= on and (
                    participant.exit_date is None or participant.exit_date >= on
                )
                if registered:
                    self.add(
                        FindingKind.HERE_ONLY,
                        person=None,
                        participant=participant,
                        detail="Belum ada di sistem inti: pastikan pendaftarannya benar-benar sampai ke cabang.",
                    )
            for month in sorted(self.paid_here.get(participant.pk, ())):
                if self.extract.shape == Shape.PAYMENTS:
                    self.add(
                        FindingKind.UNPAID_IN_CORE,
                        person=None,
                        participant=participant,
                        month=month,
                        detail="Tidak dibayar menurut sistem inti: periksa buktinya.",
                    )

    def save(self, participants: list[Participant]) -> None:
        Finding.objects.bulk_create(self.findings, batch_size=1000)
        counts: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FindingKind.values, 0))
        for finding in self.findings:
            counts[finding.village_id][finding.kind] += 1
        # Every village with a finding, a worker the core system places there, or a participant here.
        villages = set(counts) | set(self.confirmed.counts) | {p.village_id for p in participants}
        extract = self.extract
        reported = reported_figures(
            participants=participants,
            on=extract.extract_date,
            first=extract.period_first,
            last=extract.reference,
        )
        results = []
        for village_id in villages:
            agree, disagree = self.agree[village_id], self.disagree[village_id] - self.agree[village_id]
            persons = len(agree | disagree)
            results.append(
                VillageResult(
                    extract=extract,
                    village_id=village_id,
                    counts=counts[village_id] if village_id in counts else dict.fromkeys(FindingKind.values, 0),
                    persons=persons,
                    quality=quality(len(agree), persons),
                    readings=village_readings(
                        shape=extract.shape, village_id=village_id, reported=reported, confirmed=self.confirmed
                    ),
                )
            )
        VillageResult.objects.bulk_create(results, batch_size=500)
        total = dict.fromkeys(FindingKind.values, 0)
        for village_counts in counts.values():
            for kind, count in village_counts.items():
                total[kind] += count
        persons = sum(result.persons for result in results)
        agree = sum(len(self.agree[v]) for v in villages)
        extract.summary = {
            "counts": total,
            "persons": persons,
            "agree": agree,
            "quality": str(quality(agree, persons)) if persons else None,
            "reference": f"{self.reference:%Y-%m-%d}",
            "readings": branch_readings([result.readings for result in results]),
        }


def quality(agree: int, persons: int) -> Decimal | None:
    """The data-quality figure: persons agreeing in every respect ÷ persons compared, in percent, one decimal."""
    if not persons:
        return None
    return (Decimal(100 * agree) / Decimal(persons)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def extract_match(extract: Extract) -> None:
    """Match the extract's kept rows and write its findings and per-village results (inside the caller's
    transaction)."""
    Matcher(extract).run()
