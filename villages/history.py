"""The audit history of objects as readable entries: who, when, and each field's before → after."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from core.formatting import format_date, format_rupiah

ACTIONS = {"+": "dibuat", "~": "diubah", "-": "dihapus"}
# The object an entry is about is named by the entry itself; timestamps are the entry's time.
HIDDEN_FIELDS = {"created_at", "updated_at", "recorded_by", "participant", "uploaded_by"}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str
    subject: str
    changes: list[Change]
    reason: str = ""  # why, or through what: a correction's reason, an import's file, "API"


def _shown(record, field: models.Field, related: dict) -> str:
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "—"
    if field.is_relation:
        # One query per distinct related object, however many records mention it.
        key = (field.related_model, value)
        if key not in related:
            related[key] = str(field.related_model._base_manager.filter(pk=value).first() or value)
        return related[key]
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, int) and field.name in ("amount", "monthly_income"):
        return format_rupiah(value)
    return str(value)


def history_entries(
    records: Iterable, *, subject=lambda record: "", private: frozenset[str] = frozenset()
) -> list[HistoryEntry]:
    """Entries for historical records of one model (several objects allowed), newest first.

    `records` should come with `select_related("history_user")`. `subject` names the
    object an entry is about (e.g. "Iuran 03/2025"). Values of `private` fields (the NIK, for
    readers who may not change the participant) are not shown, only that they changed.
    """
    records = sorted(records, key=lambda record: (record.id, record.history_date, record.history_id))
    entries = []
    related: dict = {}
    previous = None
    for record in records:
        # The fields the history keeps (a derived field such as a participant's last paid month is left out).
        kept = {field.attname for field in record._meta.concrete_fields}
        fields = [
            field
            for field in record.instance_type._meta.concrete_fields
            if field.name not in HIDDEN_FIELDS and not field.primary_key and field.attname in kept
        ]
        changes = []
        if previous is not None and previous.id == record.id and record.history_type == "~":
            for field in fields:
                before, after = _shown(previous, field, related), _shown(record, field, related)
                if before != after:
                    if field.name in private:
                        before, after = "…", "…"
                    changes.append(Change(field=str(field.verbose_name), before=before, after=after))
        elif record.history_type == "+":
            changes = [
                Change(field=str(field.verbose_name), before="", after=_shown(record, field, related))
                for field in fields
                if _shown(record, field, related) != "—" and field.name not in private
            ]
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "sistem",
                action=ACTIONS.get(record.history_type, record.history_type),
                subject=subject(record),
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
        previous = record
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
