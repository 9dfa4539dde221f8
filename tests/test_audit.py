""".ci/audit.py, the offline vulnerability check, run as CI runs it: on requirements.lock it passes;
on the same lock with one known-vulnerable pin it fails and names the advisory; an advisory accepted for
one version comes back for another; it needs no network."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

AUDIT = ROOT / ".ci" / "audit.py"


def run_audit(*args: str, python: list[str] | None = None) -> subprocess.CompletedProcess:
    command = (python or [sys.executable, str(AUDIT)]) + list(args)
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)


def lock_with(tmp_path: Path, pin: str) -> Path:
    """requirements.lock with one package's pin replaced by `pin` (its hashes left as they are: the check reads versions)."""
    name = pin.split("==")[0]
    text, count = re.subn(rf"^{re.escape(name)}==\S+", pin, (ROOT / "requirements.lock").read_text(), flags=re.M | re.I)
    assert count == 1, f"{name} is not in requirements.lock"
    path = tmp_path / "requirements.lock"
    path.write_text(text)
    return path


def test_the_lock_passes_and_the_report_says_what_it_knows():
    result = run_audit()
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.splitlines()[-1]
    assert "packages in requirements.lock" in summary and ": 0 affected, 1 accepted;" in summary
    assert "known as of 2026-12-07 (a dated list, not a live feed)" in summary
    assert "have no advisory listed" in summary  # what it does not cover, said every time


@pytest.mark.parametrize(
    ("pin", "named", "not_named"),
    [
        pytest.param("starlette==0.25.0", ["PYSEC-2023-83", "CVE-2023-29159", "PYSEC-2026-161"], ["PYSEC-2023-48"], id="starlette-0.25.0-path-traversal"),
        pytest.param("starlette==1.0.0", ["PYSEC-2026-161", "CVE-2026-48710"], ["GHSA-7f5h-v6xp-fcq8"], id="starlette-1.0.0-badhost"),
        pytest.param("aiosmtpd==1.4.5", ["PYSEC-2026-1111", "CVE-2024-34083"], ["PYSEC-2024-221"], id="aiosmtpd-1.4.5-starttls"),
        pytest.param("jinja2==3.1.5", ["GHSA-cpwx-vrp4-4pq7"], ["GHSA-q2x7-8rv6-6q7h"], id="jinja2-3.1.5-attr-filter"),
        pytest.param("h11==0.14.0", ["GHSA-vqfr-h8mv-ghfj"], [], id="h11-0.14.0-smuggling"),
        pytest.param("urllib3==2.6.2", ["PYSEC-2026-1996", "GHSA-mf9v-mfxr-j63j"], ["GHSA-gm62-xv2j-4w53"], id="urllib3-2.6.2-decompression"),
        pytest.param("torch==2.12.1+cpu", ["GHSA-rrmf-rvhw-rf47", "CVE-2026-136427"], ["CVE-2026-136426"], id="torch-2.12.1-local-version"),
    ],
)
def test_a_lock_with_a_known_vulnerable_pin_fails_naming_the_advisory(tmp_path, pin, named, not_named):
    result = run_audit("--lock", str(lock_with(tmp_path, pin)))
    assert result.returncode == 1, result.stdout + result.stderr
    name, version = pin.split("==")
    affected = [line for line in result.stdout.splitlines() if line.startswith(f"{tmp_path}") and "accepted for this version" not in line]
    assert affected and all(f": {name} {version} is affected by " in line for line in affected)
    for advisory in named:
        assert any(advisory in line for line in affected), advisory
    for advisory in not_named:
        assert not any(advisory in line for line in affected), advisory
    assert f": {len(affected)} affected," in result.stdout.splitlines()[-1]


def test_an_accepted_advisory_comes_back_for_another_version(tmp_path):
    """CVE-2026-136426 is accepted for torch 2.13.0+cpu only: the same release without +cpu is another build."""
    result = run_audit("--lock", str(lock_with(tmp_path, "torch==2.13.0")))
    assert result.returncode == 1
    assert "torch 2.13.0 is affected by CVE-2026-136426" in result.stdout
    assert "note: CVE-2026-136426 is accepted for torch 2.13.0+cpu, but" in result.stdout


def test_the_venv_running_the_tests_passes_too():
    """--installed reads what is installed, pip and setuptools included (the lock pins setuptools, not pip)."""
    result = run_audit("--installed")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "packages in installed (" in result.stdout


def test_it_needs_no_network():
    """Every socket refused: the check still runs whole (it is the registries, not advisory services, this machine reaches)."""
    refuse = (
        "import socket, runpy, sys\n"
        "def refuse(*a, **k): raise OSError('no network in this test')\n"
        "socket.socket = socket.create_connection = socket.getaddrinfo = refuse\n"
        f"sys.argv = [{str(AUDIT)!r}]\n"
        f"runpy.run_path({str(AUDIT)!r}, run_name='__main__')\n"
    )
    result = run_audit(python=[sys.executable, "-c", refuse])
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": 0 affected, 1 accepted;" in result.stdout


@pytest.mark.parametrize(
    ("original", "replacement"),
    [
        pytest.param('affected = ["<0.25.0"]', 'affected = ["<<0.25"]', id="bad-specifier"),
        pytest.param('basis = "record"', 'basis = "rumour"', id="unknown-basis"),
        pytest.param('id = "CVE-2026-136426"\nreason', 'id = "CVE-2099-1"\nreason', id="acceptance-of-no-advisory"),
    ],
)
def test_a_broken_list_stops_the_check_with_exit_2_and_says_where(tmp_path, original, replacement):
    text = (ROOT / ".ci" / "advisories.toml").read_text()
    assert original in text
    path = tmp_path / "advisories.toml"
    path.write_text(text.replace(original, replacement, 1))
    result = run_audit("--advisories", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"audit: {path}:") and result.stdout == ""
