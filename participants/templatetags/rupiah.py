"""Money as Indonesians write it, whatever language the browser asks for: `{{ amount|rupiah }}` → Rp 1.234.567."""

from django import template

register = template.Library()


@register.filter
def rupiah(value) -> str:
    if value is None or value == "":
        return "—"
    return "Rp " + f"{int(value):,}".replace(",", ".")
