"""The reconciliation's figures on other apps' pages: `{% reconciliation_status village %}` on the village page
and the anev evaluation (when the village was last reconciled, its data quality, active as reported and as
confirmed by the core system)."""

from django import template

from reconciliation.selectors import village_latest_result

register = template.Library()


@register.inclusion_tag("reconciliation/_village_status.html")
def reconciliation_status(village):
    return {"village": village, "result": village_latest_result(village=village)}
