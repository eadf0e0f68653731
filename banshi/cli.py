"""The `banshi` console command: Django's management commands with our settings."""

import os
import sys

NOT_MIGRATED = "数据库尚未初始化，请先运行 banshi migrate"


def missing_table(exc: BaseException) -> bool:
    """Whether a database error says a table does not exist (the database is not migrated)."""
    from django.db import OperationalError, ProgrammingError

    if not isinstance(exc, (OperationalError, ProgrammingError)):
        return False
    causes = [exc, exc.__cause__, exc.__context__]
    if any(getattr(c, "pgcode", None) == "42P01" or getattr(getattr(c, "diag", None), "sqlstate", None) == "42P01"
           for c in causes if c is not None):
        return True  # PostgreSQL: undefined_table
    text = str(exc).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banshi.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["banshi", *sys.argv[1:]])
    except Exception as exc:
        if missing_table(exc):
            print(NOT_MIGRATED, file=sys.stderr)
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
