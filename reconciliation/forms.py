"""The reconciliation's forms: the upload of an extract, and the choices of what to apply."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import DateField
from reconciliation.models import Shape


class ExtractUploadForm(forms.Form):
    file = forms.FileField(
        label="Berkas ekstrak (.xlsx atau .csv)", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})
    )
    shape = forms.ChoiceField(
        label="Bentuk",
        choices=[("", "Kenali otomatis"), *Shape.choices],
        required=False,
        help_text="Daftar peserta: satu baris per peserta. Daftar pembayaran: satu baris per peserta dan bulan "
        "dibayar.",
    )
    extract_date = DateField(label="Tanggal ekstrak", help_text="Tanggal data diambil dari sistem inti (dd/mm/yyyy).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extract_date"].initial = timezone.localdate()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                f"Berkas terlalu besar: paling besar {settings.MAX_UPLOAD_MB} MB. Bagi menjadi beberapa berkas."
            )
        return upload

    def clean_extract_date(self):
        day = self.cleaned_data["extract_date"]
        if day > timezone.localdate():
            raise ValidationError("Tanggal ekstrak tidak boleh di masa depan.")
        return day
