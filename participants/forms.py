"""Forms for village officials on phones: one column, dd/mm/yyyy dates (`core.forms`), amounts as people write them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, MonthField, RupiahField
from core.parsing import normalise_digits
from participants.coverage import CORRECTION_REASON_MAX
from participants.models import Claim, Contribution, FundingSource, ImportBatch, Participant, Programme, Sex
from participants.rules import OVERRIDE_REASON_MAX
from participants.services import PAYMENT_PERIODS, participant_nik_problem
from villages.access import is_branch_user
from villages.models import Village


def village_field_for(form: forms.Form, user) -> None:
    """Offer the user's villages; a user with exactly one village is not asked."""
    villages = Village.objects.for_user(user).select_related("district")
    form.user_villages = villages
    first_two = list(villages[:2])  # one query tells whether there is only one, and gives it
    if len(first_two) == 1:
        form.fields.pop("village", None)
        form.only_village = first_two[0]
    else:
        form.fields["village"].queryset = villages
        form.only_village = None


class ParticipantNumbersMixin:
    """NIK, KPJ and phone read with ASCII digits (`core.parsing.normalise_digits`: "１２３" is 123), the spaces
    of a NIK or KPJ dropped: the same reading in the registration form and in the admin."""

    def clean_nik(self) -> str:
        return "".join(normalise_digits(self.cleaned_data["nik"]).split())

    def clean_kpj(self) -> str | None:
        return "".join(normalise_digits(self.cleaned_data.get("kpj") or "").split()) or None

    def clean_phone(self) -> str:
        return normalise_digits(self.cleaned_data.get("phone") or "")


class ParticipantForm(ParticipantNumbersMixin, forms.ModelForm):
    birth_date = DateField(label=_("Tanggal lahir"))
    enrolled_on = DateField(label=_("Tanggal daftar"), initial=timezone.localdate)
    monthly_income = RupiahField(label=_("Penghasilan per bulan (Rp)"))

    class Meta:
        model = Participant
        fields = [
            "village",
            "nik",
            "name",
            "sex",
            "birth_date",
            "phone",
            "hamlet",
            "occupation",
            "monthly_income",
            "has_jht",
            "funding_source",
            "enrolled_on",
            "kpj",
        ]
        widgets = {
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16, "autocomplete": "off"}),
            "kpj": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "sex": forms.RadioSelect,
        }
        help_texts = {"nik": _("16 angka sesuai KTP."), "kpj": _("Isi bila peserta sudah punya kartu.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["sex"].choices = Sex.choices  # radio buttons without the empty "---------"
        village_field_for(self, user)
        if self.only_village is not None and not self.instance.pk:
            self.instance.village = self.only_village

    def validate_unique(self) -> None:
        """A NIK registered already is told as the services tell it: where and whose only to those who may know."""
        nik = self.cleaned_data.get("nik")
        problem = nik and participant_nik_problem(user=self.user, nik=nik, exclude_pk=self.instance.pk)
        if problem:
            self.add_error("nik", problem)
        try:
            self.instance.validate_unique(exclude={*self._get_validation_exclusions(), "nik"})
        except ValidationError as error:
            self._update_errors(error)


class ParticipantExitForm(forms.Form):
    exit_date = DateField(label=_("Tanggal keluar"), initial=timezone.localdate)
    exit_reason = forms.ChoiceField(
        label=_("Alasan keluar"), choices=Participant.ExitReason.choices, widget=forms.RadioSelect
    )


class ContributionForm(forms.Form):
    first_month = MonthField(label=_("Mulai bulan"), help_text=_("Bulan pertama yang dibayar, mm/yyyy."))
    months = forms.TypedChoiceField(
        label=_("Untuk berapa bulan"),
        choices=[(count, _("%(n)s bulan") % {"n": count}) for count in PAYMENT_PERIODS],
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
    )
    with_jht = forms.BooleanField(
        label=_("Ikut JHT (Jaminan Hari Tua)"), required=False, help_text=_("JKK dan JKM selalu diikuti.")
    )
    amount = RupiahField(
        label=_("Jumlah dibayar (Rp)"),
        min_value=1,
        help_text=_("Untuk semua bulan yang dibayar; diusulkan menurut aturan iuran tiap bulan."),
    )
    override_reason = forms.CharField(
        label=_("Alasan jumlah berbeda dari aturan"),
        required=False,
        max_length=OVERRIDE_REASON_MAX,
        help_text=_(
            "Khusus staf cabang: isi hanya bila jumlah yang benar-benar dibayar berbeda dari aturan "
            "(misalnya menurut kuitansi). Alasan ini tercatat di riwayat iuran."
        ),
    )
    paid_on = DateField(label=_("Tanggal bayar"), initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("Saluran bayar"), choices=Contribution.Channel.choices)
    funding_source = forms.ChoiceField(
        label=_("Sumber dana"),
        choices=FundingSource.choices,
        help_text=_("Iuran yang dibayar lewat APBD tidak mendapat keringanan PP 50/2025."),
    )

    correction_reason = forms.CharField(
        label=_("Alasan koreksi bulan lama"),
        required=False,
        max_length=CORRECTION_REASON_MAX,
        help_text=_(
            "Khusus staf cabang: isi hanya untuk mencatat bulan di luar batas tunggakan yang memang sudah "
            "dibayar (misalnya menurut kuitansi atau data sistem inti). Alasan ini tercatat di riwayat iuran."
        ),
    )

    def __init__(self, *args, allow_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_override:  # village officials record what the rules say, or nothing
            self.fields.pop("override_reason")
            self.fields.pop("correction_reason")


class MonthlyPaymentsForm(forms.Form):
    """Which village and month the tick list is about (GET), and how it was paid (POST)."""

    village = forms.ModelChoiceField(label=_("Desa/nagari"), queryset=Village.objects.none())
    month = MonthField(label=_("Bulan iuran"))
    paid_on = DateField(label=_("Tanggal bayar"), initial=timezone.localdate, required=False)
    channel = forms.ChoiceField(label=_("Saluran bayar"), choices=Contribution.Channel.choices, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        village_field_for(self, user)

    def chosen_village(self) -> Village:
        return self.only_village or self.cleaned_data["village"]


class ClaimForm(forms.ModelForm):
    event_date = DateField(label=_("Tanggal kejadian"))
    paid_on = DateField(label=_("Tanggal dibayar"), required=False)
    amount = RupiahField(label=_("Jumlah manfaat (Rp)"))

    class Meta:
        model = Claim
        fields = ["programme", "event_date", "paid_on", "amount", "notes"]
        widgets = {"programme": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}

    override_reason = forms.CharField(
        label=_("Alasan klaim di luar aturan"),
        required=False,
        max_length=200,
        help_text=_(
            "Khusus staf cabang: isi hanya bila klaim memang benar walau program, masa perlindungan atau "
            "jumlahnya di luar aturan. Alasan ini tercatat di riwayat klaim."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = Programme.choices
        if not is_branch_user(user):  # village officials record claims within the rules, or ask the branch
            self.fields.pop("override_reason")

    def clean(self):
        cleaned = super().clean()
        event_date, paid_on = cleaned.get("event_date"), cleaned.get("paid_on")
        if event_date and paid_on and paid_on < event_date:
            self.add_error("paid_on", _("Tanggal dibayar tidak boleh sebelum tanggal kejadian."))
        if event_date and event_date > timezone.localdate():
            self.add_error("event_date", _("Tanggal kejadian tidak boleh di masa depan."))
        return cleaned


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas Excel (.xlsx) atau CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    village = forms.ModelChoiceField(
        label=_("Desa bawaan"),
        queryset=Village.objects.none(),
        required=False,
        help_text=_("Dipakai untuk baris yang kolom Desa-nya kosong."),
    )

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        village_field_for(self, user)
        if kind == ImportBatch.Kind.CONTRIBUTIONS:
            self.fields.pop("village", None)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused by its size before the view reads it into memory (the import checks again).
        if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                _("Berkas terlalu besar: paling besar %(mb)s MB. Bagi menjadi beberapa berkas.")
                % {"mb": settings.MAX_UPLOAD_MB}
            )
        return upload
