"""`{% load ranking %}{% ranking_rows ranking %}`: the rows of a ranking of villages, written in Python, and
`{% sparkline spark %}` (also on a village's page).

A region's page shows every village of the region and the villages list 133 a page, 11 indicator cells each:
as template code, looking up each value and escaping it cost most of those pages' time. The markup is the
same; every value is escaped here as the template would (`html.escape`, as Django's autoescape does).
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.formatting import format_thousands

register = template.Library()

TARGET_BADGES = {
    "tercapai": '<span class="badge text-bg-success">tercapai</span>',
    "di bawah target": '<span class="badge text-bg-warning">di bawah target</span>',
}
NO_TARGET_BADGE = '<span class="badge text-bg-light">tanpa target</span>'


def _e(value) -> str:
    return value if isinstance(value, SafeString) else escape(str(value))


def _reported(row) -> str:
    label = row.reporting_label
    if label == "sudah":
        paid, enrolled = format_thousands(row.reported["paid"]), format_thousands(row.reported["enrolled"])
        return (
            f'<span class="badge text-bg-success" title="{paid} dari {enrolled} peserta">'
            f"sudah ({paid}/{enrolled})</span>"
        )
    if label == "belum":
        return '<span class="badge text-bg-danger">belum</span>'
    return '<span class="text-muted small">belum ada peserta</span>'


def _sparkline(spark) -> str:
    """An SVG polyline drawn by dashboards.views.charts.sparkline, styled by app.css (no inline style)."""
    if not spark or not spark.get("points"):
        return ""
    width, height, label = _e(spark["width"]), _e(spark["height"]), _e(spark["label"])
    return (
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{label}"><title>{label}</title><polyline points="{_e(spark["points"])}"/></svg>'
    )


@register.simple_tag
def sparkline(spark) -> str:
    return mark_safe(_sparkline(spark))  # noqa: S308 - every value is escaped


def _programme_badges(bar) -> str:
    """The programme's bar of a village in the villages list (indicators.designation): a badge per criterion, met
    or not, and what is missing; its full form is dashboard/_programme_bar.html on a village's page."""
    badges = []
    for state in bar:
        measure, name, unit = _e(state.criterion.measure), _e(state.criterion.name), _e(state.unit)
        if state.met is None:
            badges.append(
                f'<span class="badge text-bg-light" data-measure="{measure}" '
                f'title="{name}: {_e(state.out_of_label)} belum diketahui">{unit} ?</span>'
            )
            continue
        protected, out_of = format_thousands(state.protected), format_thousands(state.out_of)
        title = f"{name}: {protected} dari {out_of} {_e(state.out_of_label)}"
        if state.met:
            badges.append(
                f'<span class="badge text-bg-success" data-measure="{measure}" title="{title}">'
                f'<i class="bi bi-check-lg"></i> {unit}</span>'
            )
        else:
            badges.append(
                f'<span class="badge text-bg-warning" data-measure="{measure}" title="{title}">'
                f"kurang {format_thousands(state.missing)} {unit}</span>"
            )
    return "\n".join(badges)


@register.simple_tag(takes_context=True)
def ranking_rows(context, ranking) -> str:
    """The `<tr>` of each row, with the sparkline and the programme's bar on the villages list."""
    village_base, region_base = _e(context["village_base"]), _e(context["region_base"])
    position = context["first_position"]
    with_sparklines, with_bar = context.get("with_sparklines"), context.get("with_bar")
    lines = []
    for number, row in enumerate(ranking, start=position):
        village = row.village
        code = _e(village["code"])
        cells = []
        for key, shown, working in row.cells:
            source = ""
            if key == "coverage" and row.results["coverage"].label:
                label = _e(row.results["coverage"].label)
                source = f'<div class="small text-muted" data-testid="coverage-source">{label}</div>'
            cells.append(f'<td class="text-end" data-key="{key}" title="{_e(working)}">{_e(shown)}{source}</td>')
        parts = [
            f'<tr data-village="{code}">',
            f"<td>{number}</td>",
            f'<td><a href="{village_base}{code}/">{_e(village["name"])}</a> '
            f'<span class="text-muted small d-none d-sm-inline">{code}</span></td>',
            f'<td class="d-none d-sm-table-cell"><a href="{region_base}{_e(village["district__code"])}/">'
            f"{_e(village['district__name'])}</a></td>",
            f'<td class="d-none d-md-table-cell"><a href="{region_base}{_e(village["district__regency__code"])}/">'
            f"{_e(village['district__regency__name'])}</a></td>",
        ]
        if with_sparklines:
            parts.append(f'<td data-testid="sparkline">{_sparkline(row.spark)}</td>')
        parts.append("".join(cells))
        if with_bar:
            parts.append(f'<td data-testid="programme-bar">{_programme_badges(row.bar)}</td>')
        parts.append(f'<td class="d-none d-sm-table-cell">{TARGET_BADGES.get(row.target_status, NO_TARGET_BADGE)}</td>')
        parts.append(f'<td data-testid="reported">{_reported(row)}</td>')
        parts.append("</tr>")
        lines.append("\n".join(parts))
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped
