"""core/env.py: where the var directory is and the per-install secret (issue 14, findings 5 and 13)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from banshi.core.env import secret_key_file, var_dir_default


def test_source_checkout_keeps_var_beside_the_package(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "banshi").mkdir()
    assert var_dir_default(tmp_path / "banshi", {}) == tmp_path / "var"


def test_installed_package_never_uses_site_packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "lib" / "python3.12" / "site-packages"
    (site / "banshi").mkdir(parents=True)
    xdg = tmp_path / "data"
    assert var_dir_default(site / "banshi", {"XDG_DATA_HOME": str(xdg)}) == xdg / "banshi"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    got = var_dir_default(site / "banshi", {})
    assert got == tmp_path / "home" / ".local" / "share" / "banshi"
    assert site not in got.parents


def test_secret_generated_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    first = secret_key_file(path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key_file(path) == first  # kept across runs
    assert secret_key_file(tmp_path / "other") != first  # per install
