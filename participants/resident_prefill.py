"""A registration started from the prospect list: the form's initial values taken from a resident row.

The link carries the resident's id, not the NIK (the prospect list shows NIKs masked); the resident is
looked up in the user's scope, so an id from another village is a 404. Dukcapil's occupation codes map
to the programme's occupations where one fits, otherwise "lainnya".
"""

from __future__ import annotations

from django.http import Http404

from participants.models import Occupation
from villages.residents import Resident

OCCUPATIONS = {
    8: Occupation.TRADER,
    9: Occupation.FARMER,
    10: Occupation.LIVESTOCK,
    11: Occupation.FISHER,
    13: Occupation.CONSTRUCTION,
    14: Occupation.DRIVER,
    19: Occupation.DAY_LABOURER,
    20: Occupation.DAY_LABOURER,
    21: Occupation.DAY_LABOURER,
    22: Occupation.DAY_LABOURER,
    26: Occupation.CONSTRUCTION,
    27: Occupation.CONSTRUCTION,
    81: Occupation.DRIVER,
    84: Occupation.TRADER,
    85: Occupation.APPARATUS,
    86: Occupation.APPARATUS,
}


def registration_initial(*, user, resident_id: str) -> dict:
    """The participant form's initial values for the resident `resident_id` of one of the user's villages."""
    if not resident_id.isdigit() or len(resident_id) > 18:
        raise Http404("Penduduk tidak ditemukan.")
    resident = Resident.objects.for_user(user).filter(pk=int(resident_id)).select_related("village").first()
    if resident is None:
        raise Http404("Penduduk tidak ditemukan.")
    return {
        "village": resident.village,
        "nik": resident.nik,
        "name": resident.name.title(),
        "sex": resident.sex,
        "birth_date": resident.birth_date,
        "hamlet": resident.hamlet.title(),
        "occupation": OCCUPATIONS.get(resident.occupation_id, Occupation.OTHER),
    }
