"""The reconciliation's figures on other apps' pages: `{% reconciliation_status village %}` on the village page,
the anev evaluation and its report (when the village was last reconciled, its data quality, and the indicators
the extract speaks to as reported by the village and as confirmed by the core system, `?bacaan=` choosing which
reading is read)."""

from django import template

from core.formatting import format_percent
from reconciliation.readings import READINGS, reading_choice
from reconciliation.selectors import village_latest_result

register = template.Library()


@register.inclusion_tag("reconciliation/_village_status.html", takes_context=True)
def reconciliation_status(context, village, printed=False):
    request = context.get("request")
    return {
        "village": village,
        "result": village_latest_result(village=village),
        "reading": reading_choice(request.GET.get("bacaan") if request is not None and not printed else None),
        "readings": READINGS,
        "printed": printed,
    }


@register.filter
def percent(value) -> str:
    """`{{ quality|percent }}` → 16,7%; None → —."""
    return format_percent(value)
