"""Numbers as Indonesians write them, for the dashboard templates: `|rupiah`, `|thousands`."""

from django import template

from indicators import format_value

register = template.Library()


@register.filter
def rupiah(value) -> str:
    return format_value(value, "rupiah")


@register.filter
def thousands(value) -> str:
    return format_value(value, "count")
