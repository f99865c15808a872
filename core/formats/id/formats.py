"""Input formats for the 'id' language: the same dd/mm/yyyy as every other language (see core/formats)."""

from core.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS

__all__ = ["DATETIME_INPUT_FORMATS", "DATE_INPUT_FORMATS"]
