"""Contribution rows: paid months of registered participants, one row per participant and month.

A row names a participant of the user's villages by NIK and a month that participant can pay
(`coverage.payable_problems`, the rule of the payment form and the monthly screen), and the amount the
contribution rules give that month (`rules.contribution_due`); only branch staff may record another
amount, with a reason in the Alasan column. A month already paid is never changed by an import:
a row that says otherwise (amount, payment date, channel, funding) is an error, since a paid month changes
only through branch staff's correction with a reason (`services.contribution_correct`). A month before
the current one beyond the arrears limit is history: a village official's row with one is an error;
branch staff's is a correction, written only with the reason they give at confirmation, which the audit
history keeps.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.parsing import parse_date, parse_month, parse_rupiah, text
from participants.coverage import grace_schedule, paid_in_grace_window, payable_problems
from participants.imports.columns import Column
from participants.imports.kinds import RefreshesStatistics, RowResult, choice_labels
from participants.imports.reading import ImportFileError, Table
from participants.models import Contribution, FundingSource, ImportBatch, Participant
from participants.months import month_end
from participants.parsing import (
    NikProblem,
    parse_choice,
    parse_funding,
    parse_nik,
)
from participants.rules import (
    OVERRIDE_REASON_MAX,
    RuleBook,
    RuleError,
    amount_mismatch,
    contribution_due,
    override_reason_text,
)
from villages.access import is_branch_user
from villages.models import Village

CHANNEL_WORDS = {
    "agen": Contribution.Channel.AGENT,
    "perisai": Contribution.Channel.AGENT,
    "bank": Contribution.Channel.BANK,
    "pos": Contribution.Channel.BANK,
    "kantorpos": Contribution.Channel.BANK,
    "bendahara": Contribution.Channel.TREASURER,
}
# The fields a row may change on a month already recorded.
CONTRIBUTION_FIELDS = ("amount", "paid_on", "channel", "funding_source")


class ContributionRows(RefreshesStatistics):
    key = ImportBatch.Kind.CONTRIBUTIONS.value
    permission = "participants.add_contribution"
    sheet_title = "Iuran"
    columns = (
        Column("nik", "NIK", True, ("noktp",)),
        Column("month", "Bulan", True, ("bulaniuran", "periode")),
        Column("amount", "Jumlah", True, ("jumlahiuran", "iuran", "nominal")),
        Column("paid_on", "Tanggal Bayar", False, ("tglbayar",)),
        Column("channel", "Saluran", False, ("saluranbayar",)),
        Column("funding_source", "Sumber Dana", False, ("sumberdanaiuran",)),
        Column("reason", "Alasan", False, ("alasankoreksi", "alasanselisih")),
    )
    text_columns = frozenset({"nik"})
    template_text_columns = frozenset({"month"})

    def __init__(self, *, user, village: Village | None) -> None:
        super().__init__(user=user, village=village)
        self.seen: dict[tuple[str, datetime.date], int] = {}
        self.today = timezone.localdate()
        self.rules = RuleBook.load()
        self.graces = grace_schedule()
        self.may_override = is_branch_user(user)

    @classmethod
    def template_choices(cls) -> dict[str, list[str]]:
        return {
            "funding_source": [str(label) for label in FundingSource.labels],
            "channel": [str(label) for label in Contribution.Channel.labels],
        }

    @classmethod
    def column_hints(cls) -> dict[str, str]:
        return {
            "nik": "16 angka. Kolom ini berformat Teks: jangan ubah menjadi Angka, Excel akan memotong digit terakhir.",
            "month": "mm/yyyy, misalnya 03/2025.",
            "amount": "Rupiah untuk bulan itu menurut aturan iuran, misalnya 16.800 (8.400 pada bulan keringanan).",
            "paid_on": "dd/mm/yyyy; kosong = akhir bulan iuran.",
            "channel": choice_labels(Contribution.Channel),
            "funding_source": choice_labels(FundingSource),
            "reason": "Khusus staf cabang: isi bila jumlah memang berbeda dari aturan (misalnya menurut kuitansi); "
            "tercatat di riwayat.",
        }

    def parse(self, table: Table, number: int, cells: tuple) -> RowResult:
        result = RowResult(row=number, cells=cells)
        values: dict = {}
        try:
            values["nik"] = parse_nik(table.cell(cells, "nik"))
        except NikProblem as problem:
            result.fail("NIK", str(problem))
        cell = table.cell(cells, "month")
        values["month"] = parse_month(cell)
        if values["month"] is None:
            result.fail("Bulan", f"Tulis bulan sebagai mm/yyyy, misalnya 03/2025 (tertulis: {text(cell) or 'kosong'}).")
        cell = table.cell(cells, "amount")
        values["amount"] = parse_rupiah(cell)
        if not values["amount"]:
            result.fail(
                "Jumlah", f"Tulis jumlah iuran dalam Rupiah, misalnya 16.800 (tertulis: {text(cell) or 'kosong'})."
            )
        cell = table.cell(cells, "paid_on")
        values["paid_on"] = parse_date(cell) if text(cell) else None
        if text(cell) and values["paid_on"] is None:
            result.fail("Tanggal Bayar", f"Tulis tanggal sebagai dd/mm/yyyy (tertulis: {text(cell)}).")
        elif values["paid_on"] and values["paid_on"] > self.today:
            result.fail("Tanggal Bayar", "Tanggal bayar tidak boleh di masa depan.")
        cell = table.cell(cells, "channel")
        values["channel"] = parse_choice(cell, Contribution.Channel, CHANNEL_WORDS) if text(cell) else None
        if text(cell) and values["channel"] is None:
            result.fail("Saluran", "Pilih salah satu: " + choice_labels(Contribution.Channel) + ".")
        cell = table.cell(cells, "funding_source")
        values["funding_source"] = parse_funding(cell) if text(cell) else None
        if text(cell) and values["funding_source"] is None:
            result.fail("Sumber Dana", "Pilih salah satu: " + choice_labels(FundingSource) + ".")
        values["reason"] = text(table.cell(cells, "reason"))[:OVERRIDE_REASON_MAX]
        if values["reason"] and not self.may_override:
            result.fail("Alasan", "Hanya staf cabang yang dapat mencatat jumlah yang berbeda dari aturan iuran.")
        result.obj = values
        return result

    def classify(self, results: list[RowResult]) -> None:
        niks = {r.obj["nik"] for r in results if r.obj.get("nik")}
        months = {r.obj["month"] for r in results if r.obj.get("month")}
        participants = {p.nik: p for p in Participant.objects.for_user(self.user).filter(nik__in=niks)}
        paid = {
            (c.participant_id, c.month): c
            for c in Contribution.objects.filter(
                participant__in=[p.pk for p in participants.values()], month__in=months
            )
        }
        window = paid_in_grace_window(
            participant_ids=[p.pk for p in participants.values()], graces=self.graces, today=self.today
        )
        for result in results:
            values = result.obj
            participant = participants.get(values.get("nik"))
            result.label = participant.name if participant else ""
            if values.get("nik") and participant is None:
                result.fail("NIK", "NIK ini tidak terdaftar sebagai peserta di desa Anda. Daftarkan pesertanya dulu.")
            key = (values.get("nik"), values.get("month"))
            if all(key):
                if key in self.seen:
                    result.fail("Bulan", f"Bulan ini sudah ada untuk NIK yang sama di baris {self.seen[key]}.")
                else:
                    self.seen[key] = result.row
            if participant and values.get("month"):
                for problem in self._payable_problems(participant, values["month"], window, correction=True):
                    result.fail("Bulan", problem)
            if result.errors:
                result.obj = None
                continue
            self._build(result, participant, paid.get((participant.pk, values["month"])))
            if result.status in ("new", "updated"):
                self._arrears_limit(result, participant, window)

    def _payable_problems(self, participant, month, window, *, correction: bool) -> list[str]:
        return payable_problems(
            enrolled_on=participant.enrolled_on,
            exit_date=participant.exit_date,
            months=[month],
            paid_months=window.get(participant.pk, set()),
            graces=self.graces,
            today=self.today,
            correction=correction,
            may_correct=self.may_override,
        )

    def _arrears_limit(self, result: RowResult, participant: Participant, window) -> None:
        """A row that writes a month beyond the arrears limit: branch staff's is a correction, an official's
        an error."""
        problems = self._payable_problems(participant, result.obj.month, window, correction=False)
        if not problems:
            return
        if self.may_override:
            result.correction = True
            return
        for problem in problems:
            result.fail("Bulan", problem)
        result.status, result.obj = "error", None

    def _build(self, result: RowResult, participant: Participant, current: Contribution | None) -> None:
        values, month = result.obj, result.obj["month"]
        contribution = Contribution(
            pk=current.pk if current else None,
            participant=participant,
            month=month,
            amount=values["amount"],
            paid_on=values["paid_on"] or (current.paid_on if current else min(self.today, month_end(month))),
            channel=values["channel"] or (current.channel if current else Contribution.Channel.AGENT),
            funding_source=values["funding_source"]
            or (current.funding_source if current else participant.funding_source),
            recorded_by_id=current.recorded_by_id if current else self.user.pk,
        )
        try:
            contribution.clean_fields(exclude=["participant", "recorded_by"])
        except ValidationError as error:  # e.g. an amount beyond what the database column holds
            for name, messages in error.message_dict.items():
                for message in messages:
                    result.fail(self.header_of(name), message)
            result.obj = None
            return
        if current is not None and any(getattr(contribution, n) != getattr(current, n) for n in CONTRIBUTION_FIELDS):
            # One rule for every path: a paid month is changed only by branch staff, with a reason.
            result.fail("Bulan", f"Bulan {month:%m/%Y} sudah dibayar; perubahan hanya lewat koreksi staf cabang.")
            result.obj = None
            return
        if current is None or contribution.amount != current.amount:
            problem = self._amount_problem(contribution, reason=values["reason"])
            if problem:
                column, message = problem
                result.fail(column, message)
                result.obj = None
                return
        if current is None:
            result.status = "new"
        else:
            contribution.created_at = current.created_at
            result.changed = [
                name for name in CONTRIBUTION_FIELDS if getattr(contribution, name) != getattr(current, name)
            ]
            result.status = "updated" if result.changed else "unchanged"
        result.obj = contribution

    def _amount_problem(self, contribution: Contribution, *, reason: str) -> tuple[str, str] | None:
        """The rules' amount for the row's month and funding (`rules.contribution_due`): a row that says
        otherwise is refused with the expected amount, unless branch staff give a reason, which the
        contribution's history keeps."""
        try:
            due = contribution_due(
                participant=contribution.participant,
                month=contribution.month,
                funding_source=contribution.funding_source,
                rules=self.rules,
            )
        except RuleError as error:
            return "Bulan", " ".join(error.messages)
        mismatch = amount_mismatch(paid=contribution.amount, dues=[due])
        if mismatch is None:
            return None
        if not reason:
            hint = " Bila memang itu yang dibayar, isi kolom Alasan." if self.may_override else ""
            return "Jumlah", mismatch + hint
        contribution._change_reason = override_reason_text(reason=reason, dues=[due])
        return None

    def apply(self, results: list[RowResult]) -> None:
        for result in results:
            if result.correction and result.status in ("new", "updated"):
                if not self.correction_reason:
                    raise ImportFileError(
                        "Berkas ini memuat bulan di luar batas tunggakan; staf cabang mencatatnya sebagai koreksi. "
                        "Isi alasan koreksi lalu simpan lagi (belum ada yang disimpan)."
                    )
                # The history keeps 100 characters: the correction first, then where it came from.
                reasons = [self.correction_reason, self.change_reason, getattr(result.obj, "_change_reason", "")]
                result.obj._change_reason = "; ".join(filter(None, reasons))[:100]
        self.write(results, model=Contribution)
