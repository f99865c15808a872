"""The shared form fields: dd/mm/yyyy days, mm/yyyy months and Rupiah, typed as on a phone, in any script."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from core.forms import DateField, MonthField, RupiahField, form_add_service_error

DAY = datetime.date(1985, 3, 14)


def test_fields_accept_phone_typing():
    assert DateField().clean("14031985") == DAY
    assert DateField().clean("14/03/1985") == DAY
    assert DateField().clean("14-03-1985") == DAY
    assert RupiahField().clean("Rp 16.800") == 16_800
    assert MonthField().clean("04/2025") == datetime.date(2025, 4, 1)
    assert MonthField().clean("April 2025") == datetime.date(2025, 4, 1)
    with pytest.raises(ValidationError, match="dd/mm/yyyy"):
        DateField().clean("1985/03/14x")
    with pytest.raises(ValidationError, match="mm/yyyy"):
        MonthField().clean("13/2025")
    with pytest.raises(ValidationError, match="Rupiah"):
        RupiahField().clean("banyak")


@pytest.mark.parametrize("language", ["id", "en"])
def test_fields_read_day_first_in_every_language(language):
    with translation.override(language):
        assert DateField().clean("02/05/2025") == datetime.date(2025, 5, 2)
        assert MonthField().clean("05/2025") == datetime.date(2025, 5, 1)
        with pytest.raises(ValidationError):
            DateField().clean("05/31/2025")  # month first is not a date here


@pytest.mark.parametrize(
    ("field", "written", "value"),
    [
        (DateField, "１４／０３／１９８５", DAY),
        (DateField, "١٤/٠٣/١٩٨٥", DAY),
        (DateField, "１４０３１９８５", DAY),
        (MonthField, "０４／２０２５", datetime.date(2025, 4, 1)),
        (MonthField, "٠٤/٢٠٢٥", datetime.date(2025, 4, 1)),
        (RupiahField, "Ｒｐ １６．８００", 16_800),
        (RupiahField, "١٦٨٠٠", 16_800),
    ],
)
def test_fields_read_other_digits_as_ascii(field, written, value):
    assert field().clean(written) == value


def test_widgets_write_back_what_they_read():
    class Form(forms.Form):
        day = DateField()
        month = MonthField()

    with translation.override("en"):
        html = str(Form(initial={"day": datetime.date(2025, 5, 2), "month": datetime.date(2025, 5, 1)}))
    assert 'value="02/05/2025"' in html and 'value="05/2025"' in html
    assert 'type="text"' in html and 'inputmode="numeric"' in html


def test_service_errors_land_on_their_fields():
    class Form(forms.Form):
        day = DateField()

    form = Form({"day": "14/03/1985"})
    assert form.is_valid()
    form_add_service_error(form, ValidationError({"day": "Terlalu lama.", "other": "Lain."}))
    form_add_service_error(form, ValidationError("Umum."))
    assert form.errors == {"day": ["Terlalu lama."], "__all__": ["Lain.", "Umum."]}
