"""The form of the token page: a name, so the user knows later which tool holds which token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_("Misalnya: HP operator, portal OpenSID, laporan kantor wilayah."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
