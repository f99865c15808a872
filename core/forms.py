"""The form fields every app types dates, months and money with, and the one way a form shows a
service's refusal.

Dates are dd/mm/yyyy and months mm/yyyy whatever the browser's language: the fields name their
input formats (`core.formats`) instead of taking the active locale's, and the text box is not the
browser's date picker, whose format follows the device. Decimals take a comma or a point ("3,5",
"3.5") in a text box, never the browser's number input, whose step check answers in the browser's
language and whose parsing turns "3,5" into 35 in some. Digits typed in another script (full-width,
Arabic-Indic) are read as ASCII digits (`core.parsing.normalise_digits`).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.formats import DATE_INPUT_FORMATS
from core.formatting import DATE_FORMAT, MONTH_FORMAT, format_decimal
from core.parsing import normalise_digits, parse_month, parse_rupiah


def form_add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


class DateInput(forms.DateInput):
    """A text box, not the browser's date picker: typing 14031985 on a phone keypad is quickest."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None):
        base = {"inputmode": "numeric", "placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        super().__init__(attrs={**base, **(attrs or {})}, format=DATE_FORMAT)


class DateField(forms.DateField):
    """A day written dd/mm/yyyy (also 14-03-1985, 14.03.1985, 14031985 or 1985-03-14)."""

    widget = DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("help_text", _("Format dd/mm/yyyy, misalnya 14/03/1985."))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Tulis tanggal sebagai dd/mm/yyyy, misalnya 14/03/1985.")

    def to_python(self, value):
        return super().to_python(normalise_digits(value) if isinstance(value, str) else value)


class MonthField(forms.DateField):
    """A month written mm/yyyy (also 3-2025, 2025-03, Maret 2025 or any day of it); cleaned to its first day."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "mm/yyyy", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        month = parse_month(value)
        if month is None:
            raise ValidationError(_("Tulis bulan sebagai mm/yyyy, misalnya 03/2025."), code="invalid")
        return month

    def prepare_value(self, value):
        return f"{value:{MONTH_FORMAT}}" if isinstance(value, datetime.date) else value


class RupiahField(forms.IntegerField):
    """Whole Rupiah, accepting `1500000`, `1.500.000` or `Rp 1.500.000`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "Rp"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        amount = parse_rupiah(value)
        if amount is None:
            raise ValidationError(_("Tulis jumlah dalam Rupiah, misalnya 1.500.000."), code="invalid")
        return amount


DECIMAL = re.compile(r"^-?\d+(?:[.,]\d+)?$")


class DecimalField(forms.DecimalField):
    """A decimal written "3,5" as Indonesians do, or "3.5"; one separator, no thousands grouping.

    A text box with `inputmode="decimal"` (the phone's keypad with its comma), not `type=number`:
    the browser neither validates it in its own language nor reads the comma its own way. Every
    refusal is in Indonesian, whatever language the browser asks for.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "3,5"})
        example = _("misalnya 3,5")
        bounds = ""
        if self.min_value is not None and self.max_value is not None:
            bounds = _("antara %(low)s dan %(high)s") % {
                "low": format_decimal(self.min_value, None),
                "high": format_decimal(self.max_value, None),
            }
        self.error_messages.update(
            {
                "required": _("Isi angka, %(example)s.") % {"example": example},
                "invalid": _("Tulis satu angka dengan koma desimal, %(example)s.") % {"example": example},
                "min_value": _("Isi angka %(bounds)s.") % {"bounds": bounds or _("yang lebih besar")},
                "max_value": _("Isi angka %(bounds)s.") % {"bounds": bounds or _("yang lebih kecil")},
                "max_digits": _("Angka terlalu panjang; tulis paling banyak %(places)s angka di belakang koma.")
                % {"places": self.decimal_places},
                "max_decimal_places": _("Tulis paling banyak %(places)s angka di belakang koma.")
                % {"places": self.decimal_places},
                "max_whole_digits": _("Angka terlalu besar."),
            }
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = normalise_digits(str(value)).strip().replace(" ", "")
        if not DECIMAL.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return format_decimal(value, None) if isinstance(value, Decimal) else value
