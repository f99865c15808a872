"""`{% load resident_lists %}{% resident_lists %}`: the branch's view of the villages' resident lists, for the
dashboard, the villages list and a region's page (`{% resident_lists villages=region_villages %}`: only those
villages); a partial of its own, so the pages' views stay as they are."""

from __future__ import annotations

from django import template
from django.utils import timezone

from core.formatting import format_percent
from dashboards.resident_selectors import resident_list_summary
from villages.access import is_branch_user

register = template.Library()


@register.inclusion_tag("dashboard/_resident_lists.html", takes_context=True)
def resident_lists(context, villages=None) -> dict:
    user = context["request"].user
    if not is_branch_user(user):
        return {"rows": None}
    rows = resident_list_summary(user=user, today=timezone.localdate(), villages=villages)
    informal = sum(row.informal for row in rows)
    prospects = sum(row.prospects for row in rows)
    return {
        "rows": rows,
        "informal": informal,
        "prospects": prospects,
        "covered": informal - prospects,
        "share": format_percent(100 * (informal - prospects) / informal) if informal else None,
        "stale": sum(row.stale for row in rows),
        "elsewhere": sum(row.elsewhere for row in rows),
    }
