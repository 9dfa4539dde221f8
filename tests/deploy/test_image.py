"""deploy/Dockerfile read against the project, since no Docker engine here can build it: the base
Python is one pyproject allows, torch is pinned and installed first as the Makefile does, every
`faqbot` command it runs parses with the real CLI, it runs unprivileged and owns only the folders
the service writes, and its settings are real ones. tests/deploy/test_stack_here.py runs its
HEALTHCHECK against a real server."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest
import typer
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from sqlalchemy.engine import make_url

from tests.conftest import ROOT
from tests.deploy.deployfiles import (
    env_of,
    faqbot_commands,
    healthcheck,
    parse_cli,
    read_dockerfile,
    setting_variables,
    settings_from,
    shell_commands,
)

IMAGE = read_dockerfile()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
WORKDIR = PurePosixPath(next(i.text for i in IMAGE if i.keyword == "WORKDIR"))
RUNS = [command for i in IMAGE if i.keyword == "RUN" for command in shell_commands(i)]
CMD = next(i for i in IMAGE if i.keyword == "CMD").words()


def first(instructions, keyword: str) -> int:
    return next(n for n, i in enumerate(instructions) if i.keyword == keyword)


def copied_paths() -> set[str]:
    """Where COPY puts each source: into DEST/ by its name when DEST is a folder, else at DEST."""
    paths = set()
    for i in IMAGE:
        if i.keyword == "COPY":
            *sources, destination = i.words()
            target = WORKDIR / destination
            for source in sources:
                into = destination.endswith("/") or len(sources) > 1
                paths.add(str(target / PurePosixPath(source).name if into else target))
    return paths


def pip_installs() -> list[list[str]]:
    """The arguments of each `pip install` the image runs, in order."""
    return [c[2:] for c in RUNS if c[:2] == ["pip", "install"] or c[:4] == ["python", "-m", "pip", "install"]]


def test_the_base_is_a_slim_python_the_project_supports():
    image = next(i.text for i in IMAGE if i.keyword == "FROM")
    match = re.fullmatch(r"python:(\d+\.\d+)(?:\.\d+)?-slim(?:-\w+)?", image)
    assert match, image
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(match[1])


def test_torch_is_installed_first_at_the_projects_pin_from_a_cpu_index():
    """As the Makefile does: an unpinned torch (or one pulled in by the project) is a multi-GB CUDA build."""
    pinned = next(Requirement(d) for d in PYPROJECT["project"]["dependencies"] if Requirement(d).name == "torch")
    installs = pip_installs()
    torch_args = installs[0]
    assert [str(Requirement(a)) for a in torch_args if a.startswith("torch")] == [str(pinned)]
    assert "--index-url" in torch_args  # the CPU wheels' index (build argument TORCH_INDEX_URL)
    assert any("." in args or "-e" in args for args in installs[1:])  # the project comes after


def test_the_project_is_installed_editable_beside_the_widget_it_serves():
    """Settings.widget_dir is web_widget/ beside bot/: an install into site-packages would look for it
    there and serve nothing, so the image installs the copied tree in place, as the Makefile does."""
    from bot.settings import Settings

    widget = Settings.model_fields["widget_dir"].default.relative_to(ROOT)
    assert {str(WORKDIR / "pyproject.toml"), str(WORKDIR / "bot"), str(WORKDIR / widget)} <= copied_paths()
    assert ["-e", "."] in pip_installs()


def faqbot_runs() -> list:
    found = [pytest.param(args, id="RUN faqbot " + " ".join(args)) for c in RUNS for args in faqbot_commands(c)]
    return found + [pytest.param(args, id="CMD faqbot " + " ".join(args)) for args in faqbot_commands(CMD)]


@pytest.mark.parametrize("arguments", faqbot_runs())
def test_every_faqbot_command_in_the_image_parses(arguments):
    parse_cli(arguments)


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["serve", "--threads", "2"], id="no-such-option"),
        pytest.param(["serve", "--workers", "0"], id="out-of-range"),
        pytest.param(["serve", "--port", "http"], id="wrong-type"),
    ],
)
def test_the_cli_check_refuses_what_faqbot_would_refuse(arguments):
    """The check above is the CLI's own parser: it fails where `faqbot` would exit with a usage error."""
    with pytest.raises(typer.exceptions.TyperException):
        parse_cli(arguments)


def test_the_server_listens_beyond_loopback_on_the_port_exposed_and_probed():
    params = parse_cli(faqbot_commands(CMD)[0]).params
    exposed = [int(p.split("/")[0]) for i in IMAGE if i.keyword == "EXPOSE" for p in i.words()]
    url = urlsplit(healthcheck(IMAGE)[1])
    assert params["host"] == "0.0.0.0"
    assert exposed == [params["port"]] and url.port == params["port"] and url.hostname == "127.0.0.1"
    assert url.path == "/healthz"


def test_it_runs_unprivileged_and_owns_only_what_the_service_writes():
    """USER is set before CMD, to a user the image creates; that user owns the index, var/ (the SQLite
    default) and the encoder exports, and those folders plus the knowledge are volumes."""
    from bot.settings import Settings

    user_at = max(n for n, i in enumerate(IMAGE) if i.keyword == "USER")
    user = IMAGE[user_at].text.split(":")[0]
    assert user not in ("root", "0") and user_at < first(IMAGE, "CMD")
    assert any(c[0] == "useradd" and c[-1] == user for c in RUNS)
    defaults = Settings.model_fields
    index = WORKDIR / defaults["index_dir"].default
    var = WORKDIR / PurePosixPath(make_url(defaults["database_url"].default).database).parent
    exports = PurePosixPath(env_of(IMAGE)["FAQBOT_ENCODER_CACHE"])
    owned = {str(WORKDIR / p) for c in RUNS if c[:2] == ["chown", "-R"] and c[2].split(":")[0] == user for p in c[3:]}
    assert {str(index), str(var)} <= owned and any(str(exports).startswith(p) for p in owned)
    volumes = {v for i in IMAGE if i.keyword == "VOLUME" for v in i.words()}
    assert volumes == {str(index), str(var), str(WORKDIR / defaults["knowledge_dir"].default)}


def test_its_environment_is_real_settings_and_keeps_model_loading_offline():
    env = env_of(IMAGE)
    faqbot = {k: v for k, v in env.items() if k.startswith("FAQBOT_")}
    assert sorted(set(faqbot) - setting_variables()) == []
    settings_from(faqbot)
    assert env["HF_HUB_OFFLINE"] == env["TRANSFORMERS_OFFLINE"] == "1"


def test_what_it_copies_exists_and_is_not_dockerignored():
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")]
    for i in IMAGE:
        if i.keyword != "COPY":
            continue
        for source in i.words()[:-1]:
            assert (ROOT / source).exists(), source
            hits = [p for p in ignored if fnmatch.fnmatch(source, p.removeprefix("**/")) or fnmatch.fnmatch(source.split("/")[0], p)]
            assert hits == [], f"{source} is excluded from the build context by {hits}"
