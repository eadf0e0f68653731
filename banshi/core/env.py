"""Strict environment helpers: a malformed value stops start-up with a clear message."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


def var_dir_default(package_dir: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where the database, uploads and the secret live unless `BANSHI_VAR_DIR` says otherwise.

    In a source checkout (a pyproject.toml beside the package) it is `<checkout>/var`. An installed
    package must never write into site-packages: there it is `$XDG_DATA_HOME/banshi`, else
    `~/.local/share/banshi`, else (no home directory) `./banshi-var` in the current directory.
    """
    env = os.environ if environ is None else environ
    root = package_dir.parent
    if (root / "pyproject.toml").is_file():
        return root / "var"
    xdg = env.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "banshi"
    try:
        return Path.home() / ".local" / "share" / "banshi"
    except RuntimeError:
        return Path.cwd() / "banshi-var"


def secret_key_file(path: Path) -> str:
    """The per-install secret kept in `path` (mode 0600), generated on first use."""
    try:
        existing = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first (or an empty file is in the way)
        existing = path.read_text(encoding="ascii").strip()
        if existing:
            return existing
        os.chmod(path, 0o600)
        path.write_text(key + "\n", encoding="ascii")
        return key
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key
