"""The `banshi` command and settings as a fresh install meets them (issue 14, findings 5 and 13).

Each runs in a subprocess with its own BANSHI_VAR_DIR, since settings are read once per process."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from django.db import OperationalError, ProgrammingError

from banshi.cli import NOT_MIGRATED, missing_table


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "BANSHI_SECRET_KEY", "BANSHI_HTTPS", "DJANGO_SETTINGS_MODULE"}}
    env.update(BANSHI_VAR_DIR=str(var_dir), **extra)
    return env


def test_unmigrated_database_says_run_migrate_without_traceback(tmp_path: Path) -> None:
    for args in (["sla", "due", "--from", "2026-09-28T10:00:00+08:00", "--period", "3d"], ["sla", "sweep"]):
        res = subprocess.run([sys.executable, "-c", "from banshi.cli import main; main()", *args],
                             env=_env(tmp_path), capture_output=True, text=True, timeout=120)
        assert res.returncode == 1, res.stderr
        assert NOT_MIGRATED in res.stderr and "Traceback" not in res.stderr


def test_missing_table_recognised_on_both_databases() -> None:
    assert missing_table(OperationalError("no such table: sla_calendarday"))
    pg = ProgrammingError('relation "sla_calendarday" does not exist')
    assert missing_table(pg)
    assert not missing_table(OperationalError("database is locked"))
    assert not missing_table(ValueError("no such table"))


_SHOW = ("import json, django; from django.conf import settings; django.setup(); print(json.dumps({"
         "'key': settings.SECRET_KEY, 'var': str(settings.VAR_DIR), "
         "'secure': [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE], "
         "'hsts': settings.SECURE_HSTS_SECONDS, 'proxy': settings.SECURE_PROXY_SSL_HEADER}))")


def _settings(var_dir: Path, **extra: str) -> dict[str, object]:
    env = _env(var_dir, DJANGO_SETTINGS_MODULE="banshi.settings", **extra)
    res = subprocess.run([sys.executable, "-c", _SHOW], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_per_install_secret_generated_on_first_run(tmp_path: Path) -> None:
    first = _settings(tmp_path)
    secret = tmp_path / "secret_key"
    assert first["key"] == secret.read_text().strip()
    assert "dev-only" not in str(first["key"]) and len(str(first["key"])) >= 50
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert _settings(tmp_path)["key"] == first["key"]
    assert _settings(tmp_path / "other")["key"] != first["key"]
    assert _settings(tmp_path, BANSHI_SECRET_KEY="k" * 60)["key"] == "k" * 60


def test_https_behind_a_proxy(tmp_path: Path) -> None:
    plain = _settings(tmp_path)
    assert plain["secure"] == [False, False] and plain["hsts"] == 0 and plain["proxy"] is None
    https = _settings(tmp_path, BANSHI_HTTPS="1")
    assert https["secure"] == [True, True] and https["hsts"] >= 31536000  # type: ignore[operator]
    assert https["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
