"""Numbers as Indonesians write them in templates: `{% load formatting %}`, then `|rupiah`, `|thousands`.

The filters only delegate to `core.formatting`, the one home of the rules.
"""

from django import template

from core import formatting

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """`{{ 1234567|rupiah }}` → Rp 1.234.567; empty → —."""
    return formatting.format_rupiah(value)


@register.filter
def thousands(value) -> str:
    """`{{ 1234567|thousands }}` → 1.234.567; empty → —."""
    return formatting.format_thousands(value)
