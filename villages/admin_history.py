"""The admin's history pages in Indonesian: each change's before → after written the way the app writes values.

django-simple-history prints the raw values of a change: "None" for an empty field, True/False,
dates as 2024-03-01. `HistoryChangeHelper` (used by every scoped ModelAdmin through
`villages.admin_scope.ScopedAdminMixin`) writes "—", "ya"/"tidak", 01/03/2024 and choice labels.
"""

from __future__ import annotations

import datetime

from simple_history.template_utils import HistoricalRecordContextHelper

from core.formatting import EMPTY, format_date, format_datetime


class HistoryChangeHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        if value is None or value == "":
            return EMPTY
        field = self.model._meta.get_field(change.field)
        if getattr(field, "flatchoices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "ya" if value else "tidak"
        if isinstance(value, datetime.datetime):
            return format_datetime(value)
        if isinstance(value, datetime.date):
            return format_date(value)
        return super().prepare_delta_change_value(change, value)
