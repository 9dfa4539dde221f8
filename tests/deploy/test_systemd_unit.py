"""docs/faqbot.service checked by systemd's own tools and against the settings: `systemd-analyze verify`
has nothing to say about it, `systemd-analyze security` rates its exposure low, and under
ProtectSystem=strict every folder faqbot writes is still writable. The unit is copied with ExecStart
pointing at this checkout's faqbot, since /srv/faqbot does not exist here (verify checks the program)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from sqlalchemy.engine import make_url

from tests.deploy.deployfiles import UNIT, parse_cli, setting_variables, settings_from

ANALYZE = shutil.which("systemd-analyze")
needs_analyze = pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed")
FAQBOT = Path(sys.executable).with_name("faqbot")
# Exposure above this (systemd's 0-10 scale; the unit before its hardening scored 9.2) fails.
MAX_EXPOSURE = 2.0
# What a unit needs to run faqbot at all; everything else in the [Service] section is hardening.
OPERATIONAL = {"Type", "User", "Group", "WorkingDirectory", "EnvironmentFile", "Environment", "CacheDirectory", "ExecStart", "Restart", "RestartSec", "TimeoutStartSec", "TimeoutStopSec"}


def entries(text: str) -> list[tuple[str, str, str]]:
    """(section, key, value) in order; a key may repeat (Environment=, SystemCallFilter=)."""
    section, found = "", []
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
        else:
            key, _, value = line.partition("=")
            found.append((section, key.strip(), value.strip()))
    return found


def values(key: str, section: str = "Service") -> list[str]:
    return [v for s, k, v in entries(UNIT.read_text()) if (s, k) == (section, key)]


def environment() -> dict[str, str]:
    return dict(pair.split("=", 1) for value in values("Environment") for pair in shlex.split(value))


def runnable_here(text: str) -> str:
    """The unit with ExecStart's program replaced by this checkout's faqbot, its arguments unchanged."""
    lines = []
    for line in text.splitlines():
        if line.startswith("ExecStart="):
            program, _, arguments = line.removeprefix("ExecStart=").partition(" ")
            assert PurePosixPath(program).name == "faqbot", program
            line = f"ExecStart={FAQBOT} {arguments}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def misspelt(text: str) -> str:
    return text.replace("ProtectSystem=", "ProtectSytem=")


def unhardened(text: str) -> str:
    service = False
    kept = []
    for line in text.splitlines():
        if line.startswith("["):
            service = line == "[Service]"
        key = line.partition("=")[0]
        if not service or "=" not in line or line.startswith("#") or key in OPERATIONAL:
            kept.append(line)
    return "\n".join(kept) + "\n"


def analyze(tmp_path: Path, text: str, *arguments: str) -> subprocess.CompletedProcess:
    unit = tmp_path / "faqbot.service"
    unit.write_text(runnable_here(text))
    return subprocess.run([ANALYZE, *arguments, str(unit)], capture_output=True, text=True, timeout=60)


@needs_analyze
@pytest.mark.parametrize(("change", "clean"), [pytest.param(lambda t: t, True, id="as-shipped"), pytest.param(misspelt, False, id="misspelt-key")])
def test_systemd_analyze_verify_has_nothing_to_say(tmp_path, change, clean):
    """verify exits 0 even for an unknown key (systemd ignores it at start, silently dropping that line's
    protection), so the check is that it prints nothing at all."""
    result = analyze(tmp_path, change(UNIT.read_text()), "verify")
    assert result.returncode == 0
    assert ((result.stdout + result.stderr).strip() == "") is clean, result.stdout + result.stderr


@needs_analyze
@pytest.mark.parametrize(("change", "passes"), [pytest.param(lambda t: t, True, id="as-shipped"), pytest.param(unhardened, False, id="without-hardening")])
def test_systemd_rates_the_units_exposure_low(tmp_path, change, passes):
    """The figure systemd-analyze security gives, on its 0 (locked down) to 10 (exposed) scale."""
    result = analyze(tmp_path, change(UNIT.read_text()), "security", "--offline=true", "--no-pager")
    assert result.returncode == 0, result.stderr
    exposure = float(re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)[1])
    assert (exposure <= MAX_EXPOSURE) is passes, result.stdout[-2500:]


def test_every_folder_faqbot_writes_stays_writable_under_protect_system_strict():
    """ProtectSystem=strict makes the whole file system read-only: the index (rebuilt at start when stale),
    var/ (the SQLite default) and the encoder's ONNX export folder must be given back, or serving fails."""
    from bot.settings import Settings

    assert values("ProtectSystem") == ["strict"]
    workdir = PurePosixPath(values("WorkingDirectory")[0])
    writable = {PurePosixPath(p.lstrip("-")) for value in values("ReadWritePaths") for p in value.split()}
    writable |= {PurePosixPath("/var/cache") / d for value in values("CacheDirectory") for d in value.split()}
    defaults = Settings.model_fields
    written = [
        workdir / defaults["index_dir"].default,
        workdir / PurePosixPath(make_url(defaults["database_url"].default).database).parent,
        PurePosixPath(environment()["FAQBOT_ENCODER_CACHE"]),
    ]
    assert [w for w in written if not any(w == p or p in w.parents for p in writable)] == []


def test_it_runs_faqbot_as_its_own_user_restarting_on_failure_with_real_settings():
    user = values("User")
    assert user and user[0] not in ("root", "0") and values("DynamicUser") in ([], ["no"])
    assert values("Restart") == ["on-failure"] and values("EnvironmentFile")
    variables = {k: v for k, v in environment().items() if k.startswith("FAQBOT_")}
    assert sorted(set(variables) - setting_variables()) == []
    settings_from(variables)
    program, *arguments = shlex.split(values("ExecStart")[0])
    params = parse_cli(arguments).params
    assert params["host"] == "127.0.0.1"  # behind the reverse proxy on this machine, as the unit says
