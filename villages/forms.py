"""The engagement activity form: one column, dd/mm/yyyy (`core.forms`), the official's own villages only."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from villages.models import Activity, Village
from villages.services import activity_problems


class ActivityForm(forms.ModelForm):
    date = DateField(label=_("Tanggal"), initial=timezone.localdate)

    class Meta:
        model = Activity
        fields = ["village", "date", "kind", "title", "attendees", "enrolled_on_spot", "notes"]
        widgets = {
            "attendees": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "enrolled_on_spot": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Village.objects.for_user(user).select_related("district")
        if len(villages[:2]) == 1:
            # An official with one village is not asked which village.
            self.fields.pop("village")
            self.only_village = villages[0]
            if not self.instance.pk:
                self.instance.village = self.only_village
        else:
            self.fields["village"].queryset = villages
            self.only_village = None

    def clean(self):
        cleaned = super().clean()
        problems = activity_problems(
            day=cleaned.get("date"),
            attendees=cleaned.get("attendees"),
            enrolled_on_spot=cleaned.get("enrolled_on_spot"),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return cleaned

    def chosen_village(self) -> Village:
        return self.cleaned_data.get("village") or self.only_village
