#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
    # Whatever a command or the worker writes (database, kept files, exports) is its user's only.
    from umkm_portal.private_files import restrict_umask

    restrict_umask()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
