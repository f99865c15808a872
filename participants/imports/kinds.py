"""What an import kind is: its columns, how it reads and checks one row, and how it writes the rows accepted.

The batch flow (`participants.imports.batch`) is the same for every kind: it reads the file, hands the
data rows to the kind chunk by chunk, previews the outcome, and on confirmation writes the accepted rows
in one transaction. A kind is a subclass of `ImportKind`; one instance lives for one pass over a file
(preview, confirmation or rejected-rows download), so it may remember what earlier chunks held (a NIK
seen twice in one file).
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import get_language
from simple_history.utils import get_change_reason_from_object

from participants.coverage import GraceSchedule, grace_schedule
from participants.models import Participant
from participants.stats_delta import stats_tracking

if TYPE_CHECKING:
    from participants.imports.columns import Column
    from participants.imports.reading import Table
    from villages.models import Village

# What a row does on confirmation, and its word in the preview. "skipped": a changed row the user did not
# choose to apply (only on confirmation; the preview says "updated").
STATUS_LABELS = {"new": "baru", "updated": "diubah", "unchanged": "tetap", "error": "salah", "skipped": "dilewati"}


@dataclass
class RowResult:
    """One data row of the file: its cells, and what the kind decided (`status`, `errors`, the object to write)."""

    row: int
    cells: tuple
    status: str = "error"
    errors: list[tuple[str, str]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    # For an updated row: (column header, old value, new value) of every changed field, as the preview shows them.
    diff: list[tuple[str, str, str]] = field(default_factory=list)
    label: str = ""
    obj: object = None
    # Written only as a correction by branch staff, with the reason they give at confirmation (old months).
    correction: bool = False

    def fail(self, column: str, message: str) -> None:
        self.errors.append((column, message))


class ImportKind(ABC):
    """One kind of spreadsheet import. Subclasses set the class attributes and implement `parse` and `apply`."""

    key: ClassVar[str]  # an ImportBatch.Kind value; also the kind's slug in URLs
    permission: ClassVar[str]  # needed to upload and confirm
    columns: ClassVar[tuple[Column, ...]]
    # The header row is the first row naming one of these columns.
    anchors: ClassVar[tuple[str, ...]] = ("nik",)
    # (column key, value): a row holding that value in that column ends the data (OpenSID's "###").
    end_marker: ClassVar[tuple[str, str] | None] = None
    sheet_title: ClassVar[str]
    # Identity numbers: formatted as text in the template, and written back as text in the rejected rows.
    text_columns: ClassVar[frozenset[str]] = frozenset()
    # Further columns formatted as text in the template (so Excel leaves "03/2025" as written).
    template_text_columns: ClassVar[frozenset[str]] = frozenset()
    # Model fields without a column of their own, named in row errors.
    extra_headers: ClassVar[dict[str, str]] = {}
    # Branch staff's reason, given at confirmation, for the rows that are corrections (`RowResult.correction`).
    correction_reason: str = ""

    def __init__(self, *, user, village: Village | None) -> None:
        self.user = user
        self.village = village
        # The audit history's reason for what a confirmation writes ("impor <file> <date>"), set by the batch.
        self.change_reason = ""

    @abstractmethod
    def parse(self, table: Table, number: int, cells: tuple) -> RowResult:
        """Read one row's cells (no database access); failures go to `RowResult.fail`, the values to `obj`."""

    @abstractmethod
    def classify(self, results: list[RowResult]) -> None:
        """Compare a chunk of parsed rows with the database and with earlier rows of the file, and set each
        row's status (new, updated, unchanged, error) and the object to write."""

    @abstractmethod
    def apply(self, results: list[RowResult]) -> None:
        """Write the chunk's new and updated rows (inside the confirmation's transaction)."""

    def finish(self) -> None:  # noqa: B027 (a hook: most kinds have nothing to do after the last chunk)
        """After the last chunk, inside the same transaction."""

    @classmethod
    def header_choices(cls) -> dict[str, str]:
        """Headers users mapped by hand in an earlier preview (compared form → column key, "" to ignore),
        applied before the synonyms: a kind that remembers them returns them here."""
        return {}

    @classmethod
    def template_choices(cls) -> dict[str, list[str]]:
        """Column key → the choices offered as a drop-down in the template."""
        return {}

    @classmethod
    def column_hints(cls) -> dict[str, str]:
        """Column key → how to fill it, for the template's instructions sheet."""
        return {}

    @classmethod
    def header_of(cls, name: str) -> str:
        """The column a field's error is reported under."""
        headers = {column.key: column.header for column in cls.columns}
        return headers.get(name) or cls.extra_headers.get(name) or ("Baris" if name == "__all__" else name)


class RefreshesStatistics(ImportKind):
    """A kind that writes participants or contributions: each chunk's writes change the statistics by the
    difference they make to the participants they touch (`participants.stats_delta.stats_tracking`: one
    read of those participants before, one after, one upsert), never by rebuilding villages."""

    graces: GraceSchedule | None = None

    def write(self, results: list[RowResult], *, model: type[models.Model]) -> None:
        """`write_with_history` of a chunk, with its difference to the statistics."""
        written = [result.obj for result in results if result.status in ("new", "updated")]
        existing = [_participant_of(obj) for obj in written if _participant_of(obj) is not None]
        if self.graces is None:  # read once for every chunk of the confirmation (one transaction)
            self.graces = grace_schedule()
        with stats_tracking(participant_ids=existing, graces=self.graces) as tracker:
            write_with_history(results, model=model, user=self.user, reason=self.change_reason)
            if model is Participant:  # new participants have their id now, and nothing paid
                tracker.add_created(result.obj for result in results if result.status == "new")
            else:
                tracker.add(_participant_of(obj) for obj in written)


def _participant_of(obj: models.Model) -> int | None:
    """The participant a written participant or contribution belongs to (None: a participant not saved yet)."""
    return obj.participant_id if hasattr(obj, "participant_id") else obj.pk


def write_with_history(results: list[RowResult], *, model: type[models.Model], user, reason: str = "") -> None:
    """Insert a chunk's new rows and update its changed ones in bulk, each with its audit history (a full
    record per object, so the history shows the changed fields as it does for a form's change, and
    `reason`, e.g. "impor peserta.xlsx 15/06/2025", as its change reason)."""
    created = [result.obj for result in results if result.status == "new"]
    updated = [result.obj for result in results if result.status == "updated"]
    reason = reason[:100] or None
    if created:
        model._default_manager.bulk_create(created, batch_size=WRITE_BATCH)
        history_copy(model, created, user=user, reason=reason, history_type="+")
    if updated:
        fields = {name for result in results if result.status == "updated" for name in result.changed}
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            # A bulk update does not run auto_now.
            now = timezone.now()
            for obj in updated:
                obj.updated_at = now
            fields.add("updated_at")
        model._default_manager.bulk_update(updated, fields=sorted(fields), batch_size=WRITE_BATCH)
        history_copy(model, updated, user=user, reason=reason, history_type="~")


HISTORY_BATCH = 500
# Rows per insert or update statement: a whole chunk of the import (`batch.CHUNK`) in one on PostgreSQL (about 17
# parameters a row; Django splits further where the database allows fewer, SQLite).
WRITE_BATCH = 1000


def history_copy(
    model: type[models.Model], objs: list[models.Model], *, user, reason: str | None, history_type: str
) -> None:
    """The audit history of rows just written, as `bulk_history_create` records it (every tracked field, the
    user, the row's own change reason or else `reason`, "+" created or "~" changed, one date), copied by the
    database from the rows themselves: one INSERT … SELECT per reason and HISTORY_BATCH rows, instead of a
    Python object and a row of parameters per record."""
    history = model.history.model
    quote = connection.ops.quote_name
    sources = [quote(model._meta.get_field(field.name).column) for field in history.tracked_fields]
    targets = [quote(field.column) for field in history.tracked_fields]
    targets += [quote(name) for name in ("history_date", "history_change_reason", "history_type", "history_user_id")]
    recorded_on = connection.ops.adapt_datetimefield_value(timezone.now())
    by_reason: dict[str | None, list[int]] = {}
    for obj in objs:
        by_reason.setdefault(get_change_reason_from_object(obj) or reason, []).append(obj.pk)
    for row_reason, pks in by_reason.items():
        for start in range(0, len(pks), HISTORY_BATCH):
            batch = pks[start : start + HISTORY_BATCH]
            sql = (
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(targets)}) "  # noqa: S608 (names quoted)
                f"SELECT {', '.join(sources)}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [recorded_on, row_reason, history_type, getattr(user, "pk", None), *batch])


@functools.lru_cache(maxsize=32)
def _choice_list(choices, language: str | None) -> str:
    return ", ".join(str(label) for label in choices.labels)


def choice_labels(choices) -> str:
    """The labels of a TextChoices class, for messages and hints (built once per language)."""
    return _choice_list(choices, get_language())
