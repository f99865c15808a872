"""Documents of the anev: cycle charts, the village report (PDF) and the branch summary (PDF, xlsx).

Their reads are in evaluations/selectors.py. Everything shown of an evaluation comes from what the
evaluation stored (values, scores), never from a new computation, so an approved evaluation reads
the same forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.formatting import format_decimal, format_thousands
from core.spreadsheets import xlsx_bytes
from evaluations import selectors
from evaluations.models import EvaluationCycle, EvaluationStep, Pillar, VillageEvaluation
from indicators import REGISTRY

# The reports are Indonesian documents (numbers 1.234,5) whatever the language of the browser.
REPORT_LANGUAGE = "id"


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    label: str
    definition: str
    pillar: str
    weight: str
    higher_is_better: bool
    thresholds: list[str]
    baseline: dict
    end: dict

    @property
    def working(self) -> str:
        """The numerator and denominator behind the value, e.g. "45 / 1.200"."""
        numerator, denominator = self.end.get("numerator"), self.end.get("denominator")
        if numerator is None or denominator is None:
            return ""
        return f"{format_thousands(numerator)} / {format_thousands(denominator)}"

    @property
    def rule(self) -> str:
        sign = "≥" if self.higher_is_better else "≤"
        return " · ".join(
            f"{score}: {sign} {format_decimal(t, places=None)}"
            for score, t in zip(range(2, 6), self.thresholds, strict=True)
        )


def indicator_rows(evaluation: VillageEvaluation) -> dict[str, list[IndicatorRow]]:
    """The stored indicator values of an evaluation, beside their baseline, grouped by pillar label."""
    grouped: dict[str, list[IndicatorRow]] = {label: [] for label in Pillar.labels}
    labels = dict(Pillar.choices)
    for key, end in evaluation.values.items():
        indicator = REGISTRY.get(key)
        row = IndicatorRow(
            key=key,
            label=indicator.label if indicator else key,
            definition=indicator.definition if indicator else "",
            pillar=end["pillar"],
            weight=format_decimal(end["weight"], places=None),
            higher_is_better=end["higher_is_better"],
            thresholds=end["thresholds"],
            baseline=evaluation.baseline_values.get(key, {}),
            end=end,
        )
        grouped[labels[row.pillar]].append(row)
    return {label: rows for label, rows in grouped.items() if rows}


def cycle_charts(*, evaluations: QuerySet[VillageEvaluation], categories: list[str], user) -> dict:
    """Chart.js data: villages per category, and the mean pillar score at baseline and at the end."""
    counts = selectors.category_counts(evaluations=evaluations)
    by_category = {
        "labels": [*categories, "Belum dinilai"],
        "counts": [counts.get(name, 0) for name in categories] + [counts.get("", 0)],
    }
    pillars = selectors.pillar_means(evaluations=evaluations, user=user)

    def mean(pillar: str, which: str) -> float | None:
        value = pillars.get(pillar, {}).get(which)
        return round(float(value), 2) if value is not None else None

    by_pillar = {
        "labels": list(Pillar.labels),
        "before": [mean(pillar, "before") for pillar in Pillar.values],
        "after": [mean(pillar, "after") for pillar in Pillar.values],
    }
    return {"categories": by_category, "pillars": by_pillar}


def _css() -> str:
    with open(finders.find("css/print.css"), encoding="utf-8") as stylesheet:
        return stylesheet.read()


def _pdf(html: str, *, base_url: str) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(string=_css())])


def evaluation_context(evaluation: VillageEvaluation) -> dict:
    steps = selectors.evaluation_steps(evaluation=evaluation)
    submitted = next((s for s in reversed(steps) if s.action == EvaluationStep.Action.SUBMITTED), None)
    approved = next((s for s in reversed(steps) if s.action == EvaluationStep.Action.APPROVED), None)
    return {
        "evaluation": evaluation,
        "village": evaluation.village,
        "cycle": evaluation.cycle,
        "indicator_groups": indicator_rows(evaluation),
        "pillar_scores": sorted(
            selectors.evaluation_pillar_scores(evaluation=evaluation),
            key=lambda score: Pillar.values.index(score.pillar),
        ),
        "action_items": selectors.evaluation_action_items(evaluation=evaluation),
        "steps": steps,
        "submitted_step": submitted,
        "approved_step": approved,
        "today": timezone.localdate(),
        "branch_name": settings.BRANCH_NAME,
    }


def evaluation_pdf(*, evaluation: VillageEvaluation, base_url: str) -> bytes:
    with translation.override(REPORT_LANGUAGE):
        html = render_to_string("evaluations/report.html", {**evaluation_context(evaluation), "for_pdf": True})
    return _pdf(html, base_url=base_url)


def cycle_summary_context(*, cycle: EvaluationCycle, user) -> dict:
    evaluations = list(selectors.cycle_evaluations(cycle=cycle, user=user).prefetch_related("pillar_scores"))
    categories = selectors.cycle_categories(cycle=cycle)
    counts = dict.fromkeys([*categories, ""], 0)
    for evaluation in evaluations:
        counts[evaluation.category] = counts.get(evaluation.category, 0) + 1
        scores = {score.pillar: score.score for score in evaluation.pillar_scores.all()}
        evaluation.ordered_scores = [scores.get(pillar) for pillar in Pillar.values]
    items = selectors.cycle_action_items(cycle=cycle, user=user)
    today = timezone.localdate()
    return {
        "cycle": cycle,
        "evaluations": evaluations,
        "category_counts": counts,
        "status_counts": [
            (label, sum(1 for evaluation in evaluations if evaluation.status == value))
            for value, label in VillageEvaluation.Status.choices
        ],
        "action_total": items.count(),
        "action_overdue": selectors.overdue_count(items=items, today=today),
        "pillars": Pillar.choices,
        "today": today,
        "branch_name": settings.BRANCH_NAME,
    }


def cycle_summary_pdf(*, cycle: EvaluationCycle, user, base_url: str) -> bytes:
    with translation.override(REPORT_LANGUAGE):
        html = render_to_string("evaluations/cycle_summary.html", cycle_summary_context(cycle=cycle, user=user))
    return _pdf(html, base_url=base_url)


def _score(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def cycle_summary_xlsx(*, cycle: EvaluationCycle, user) -> bytes:
    """Two sheets: every village's result, and the revitalisation tracker."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hasil anev"
    header = [
        "Kode",
        "Desa/nagari",
        "Kecamatan",
        "Kabupaten/kota",
        "Status",
        *[f"Skor {label}" for label in Pillar.labels],
        "Skor total",
        "Kategori",
        "Skor siklus sebelumnya",
        "Perubahan",
    ]
    sheet.append([f"{cycle.name} — ringkasan cabang"])
    sheet.append(header)
    for evaluation in selectors.cycle_evaluations(cycle=cycle, user=user).prefetch_related("pillar_scores"):
        scores = {score.pillar: score.score for score in evaluation.pillar_scores.all()}
        sheet.append(
            [
                evaluation.village.code,
                str(evaluation.village),
                evaluation.village.district.name,
                str(evaluation.village.district.regency),
                evaluation.get_status_display(),
                *[_score(scores.get(pillar)) for pillar in Pillar.values],
                _score(evaluation.overall_score),
                evaluation.category or "Belum dinilai",
                _score(evaluation.previous_score),
                _score(evaluation.change),
            ]
        )
    tracker = workbook.create_sheet("Rencana aksi")
    tracker.append(["Desa/nagari", "Aksi", "Pilar", "Penanggung jawab", "Tenggat", "Status", "Lewat tenggat"])
    today = timezone.localdate()
    for item in selectors.cycle_action_items(cycle=cycle, user=user):
        tracker.append(
            [
                str(item.evaluation.village),
                item.action,
                item.get_pillar_display(),
                item.owner,
                item.due_date,
                item.get_status_display(),
                "ya" if item.is_overdue(today=today) else "tidak",
            ]
        )
        tracker.cell(row=tracker.max_row, column=5).number_format = "DD/MM/YYYY"
    for worksheet in (sheet, tracker):
        header_row = 2 if worksheet is sheet else 1
        for cell in worksheet[header_row]:
            cell.font = Font(bold=True)
        for index in range(1, worksheet.max_column + 1):
            worksheet.column_dimensions[get_column_letter(index)].width = 18
    sheet["A1"].font = Font(bold=True, size=13)
    return xlsx_bytes(workbook)
