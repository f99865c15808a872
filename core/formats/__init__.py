"""How dates are typed, whatever the browser's language: dd/mm/yyyy (and a few ways phones write it).

Django reads a form's dates with the active language's input formats before DATE_INPUT_FORMATS in
settings, and its English formats read "02/05/2025" as 5 February. `FORMAT_MODULE_PATH` points at
the `id` and `en` modules beside this one, which take these lists, so the admin and any plain
`forms.DateField` read dd/mm/yyyy in both languages; the project's own fields (`core.forms`) name
them explicitly as well. Display formats are not changed here: pages format dates with
`core.formatting` or an explicit `|date:"d/m/Y"`.
"""

# The first format is the one widgets write back (and the admin's calendar fills in).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d%m%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
