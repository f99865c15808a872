#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desa_sadar.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Load the settings before Django does: a missing SECRET_KEY then ends in one line naming what to
    # set, instead of a traceback (or `shell` running half-configured until AppRegistryNotReady).
    try:
        settings.INSTALLED_APPS  # noqa: B018 - the attribute access imports the settings module
    except ImproperlyConfigured as error:
        sys.exit(f"Konfigurasi tidak lengkap: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
