"""Indonesian texts for the REST framework's messages that its own `id` translation lacks.

Field messages are replaced on the field before validation (so placeholders are
filled as usual); the texts of whole-request errors are in api/exceptions.py.
Messages of the project's rules come from the models and services, the same texts
as the forms.
"""

from __future__ import annotations

from rest_framework import fields, serializers

# English template of the REST framework → Indonesian, same placeholders.
INDONESIAN = {
    "Not a valid string.": "Harus berupa teks.",
    "Must be a valid boolean.": "Harus true atau false.",
    "A valid number is required.": "Harus berupa angka.",
    "A valid biginteger is required.": "Harus berupa bilangan bulat.",
    "String value too large.": "Teks terlalu panjang.",
    "Expected a date but got a datetime.": "Harus tanggal (YYYY-MM-DD), bukan tanggal dan jam.",
    'Expected a list of items but got type "{input_type}".': "Harus berupa daftar (list), bukan {input_type}.",
    "This list may not be empty.": "Daftar ini tidak boleh kosong.",
    "Ensure this field has at least {min_length} elements.": "Daftar ini paling sedikit berisi {min_length} butir.",
    "Ensure this field has no more than {max_length} elements.": "Daftar ini paling banyak berisi {max_length} butir.",
    "Invalid data. Expected a dictionary, but got {datatype}.": "Data harus berupa objek JSON, bukan {datatype}.",
    "Incorrect type. Expected pk value, received {data_type}.": "Harus berupa id (bilangan bulat), bukan {data_type}.",
    "This value does not match the required pattern.": "Bentuk isian tidak sesuai.",
    "Invalid value.": "Isian tidak valid.",
    "This dictionary may not be empty.": "Objek ini tidak boleh kosong.",
}


def localise(field: fields.Field) -> None:
    """Give `field` (and the fields inside it) the Indonesian texts of its untranslated messages."""
    for code, message in list(field.error_messages.items()):
        text = INDONESIAN.get(str(message))
        if text is not None:
            field.error_messages[code] = text
    child = getattr(field, "child", None)
    if isinstance(child, fields.Field):
        localise(child)
    child_relation = getattr(field, "child_relation", None)
    if isinstance(child_relation, fields.Field):
        localise(child_relation)
    if isinstance(field, serializers.Serializer):
        for inner in field.fields.values():
            localise(inner)
