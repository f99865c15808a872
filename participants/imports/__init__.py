"""Spreadsheet imports: one pipeline for every kind of list a village or the branch uploads.

Upload → preview → confirm. Nothing is written before the user confirms what the preview showed;
the rows with errors come back as a workbook to correct and upload again. The pipeline is in four
parts, and only the last is written per kind:

- `reading`: the file (.xlsx or .csv in any common dialect), streamed row by row; `ImportFileError`
  for a file that cannot be read at all;
- `columns`: a kind's columns and their header synonyms (matched case-, space- and
  punctuation-insensitively), and the template workbook built from them;
- `batch`: the flow (`import_upload`, `import_confirm`, `import_rejected_workbook`; for pages
  `import_submit` and `import_confirm_start`, which run a file of more than `JOB_INLINE_MAX_ROWS` rows
  as background jobs, `participants/jobs.py`), the `ImportBatch` that keeps the file between preview
  and confirmation, and `KINDS`, the list of kinds;
- `kept_rows`: the rows a preview read, kept next to the upload so the confirmation re-validates them
  without parsing the workbook again;
- one module per kind: `participant_rows` (workers of a village), `contribution_rows` (paid months).

To add a kind (a core-system extract to reconcile, a village's resident list):

1. Add its value to `ImportBatch.Kind` (a migration that changes no data).
2. Write a module with a subclass of `kinds.ImportKind` (or of `kinds.RefreshesStatistics` when it
   writes participants or contributions) that declares `key` (that value, also the URL slug),
   `permission`, `sheet_title` and `columns` (a `columns.Column` per column: key, header, required,
   synonyms in compared form such as "nokpj"), `anchors` when the header row is not found by its NIK
   column, `text_columns` for identity numbers; and implements
   - `parse(table, number, cells)`: read one row into a `RowResult` (no database access; each problem
     a `fail(column, Indonesian message)`),
   - `classify(results)`: per chunk, compare with the database and earlier rows, set each row's
     status (new, updated, unchanged, error) and the object to write,
   - `apply(results)`: write a chunk's new and updated rows (`kinds.write_with_history` keeps the
     audit history; a `RefreshesStatistics` kind calls `self.write(results, model=...)`, which also adds
     the chunk's difference to the statistics), and `finish()` for what follows the last chunk;
   and, for its template, `template_choices()` and `column_hints()`.
3. List the class in `batch.KINDS`. The upload, preview, confirmation, template and rejected-rows
   views (`participants/views_import.py`) serve every kind listed there: add its upload URL to
   `participants/urls.py` as `import/iuran/` is, or call `import_upload` and `import_confirm` with its
   key from a view of its own.
"""

from participants.imports.batch import (
    KINDS,
    import_confirm,
    import_confirm_start,
    import_job,
    import_rejected_workbook,
    import_runs_as_job,
    import_submit,
    import_upload,
    template_workbook,
)
from participants.imports.reading import ImportFileError, read_table

__all__ = [
    "KINDS",
    "ImportFileError",
    "import_confirm",
    "import_confirm_start",
    "import_job",
    "import_rejected_workbook",
    "import_runs_as_job",
    "import_submit",
    "import_upload",
    "read_table",
    "template_workbook",
]
