"""`faqbot build` SIGKILLed at each step of writing and publishing a build: the build published
before stays the one served (CURRENT unchanged, loadable, answering), no half-written build is
picked up, and a rerun publishes and leaves nothing of the killed one behind. A first build
killed publishes nothing, and its rerun works."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.errors import IndexNotReady
from bot.index import published_build
from bot.settings import Settings
from tests.crash.conftest import STORE, Process, base_env, copy_index, faqbot, faqbot_stopped_before, run

# Where the build is killed: just before the operation (an audit event) whose arguments name the needle.
HALF_WRITTEN = ("open", ".partial/manifest.json")  # keys, vectors, chunks written; the manifest that marks it complete not yet
COMPLETE_NOT_RENAMED = ("os.rename", ".partial")
POINTER_NOT_WRITTEN = ("open", "CURRENT.tmp")  # the build folder complete under its final name
POINTER_NOT_SWAPPED = ("os.rename", "CURRENT.tmp")
OLD_NOT_PRUNED = ("shutil.rmtree", "build-")  # CURRENT swapped: the new build is published


def answer(knowledge: Path, index: Path) -> str:
    """What the store serves now, as a channel gets it (the engine never builds here)."""
    engine = Engine.from_settings(Settings(knowledge_dir=knowledge, index_dir=index), build_stale=False)
    reply = engine.answer(STORE, "which cards do you take?", today=date(2026, 11, 25))
    assert reply.kind == "answer", reply
    return reply.text


def killed_at(point: tuple[str, str], arguments: list[str], env: dict[str, str], folder: Path) -> None:
    process = Process(faqbot_stopped_before(*point, *arguments), env, folder)
    process.wait_stopped()
    process.kill9()


def rerun_publishes_cleanly(arguments: list[str], env: dict[str, str], folder: Path, index: Path, killed: str | None) -> None:
    output = run(faqbot(*arguments), env, folder)
    assert f"{STORE}: built 3 chunks" in output
    published = published_build(index, STORE)
    assert published not in (None, killed)
    assert sorted(p.name for p in (index / STORE).iterdir()) == sorted(["CURRENT", published])  # nothing of the killed build left


@pytest.mark.parametrize(
    ("point", "published"),
    [
        pytest.param(HALF_WRITTEN, "previous", id="staging-folder-half-written"),
        pytest.param(COMPLETE_NOT_RENAMED, "previous", id="staging-folder-complete-not-renamed"),
        pytest.param(POINTER_NOT_WRITTEN, "previous", id="build-folder-complete-pointer-not-written"),
        pytest.param(POINTER_NOT_SWAPPED, "previous", id="pointer-written-not-swapped"),
        pytest.param(OLD_NOT_PRUNED, "new", id="published-previous-not-yet-pruned"),
    ],
)
def test_a_build_killed_while_publishing_leaves_a_whole_build_served(crash_knowledge, seed_index, tmp_path, point, published):
    index = copy_index(seed_index, tmp_path / "index")
    env = base_env(crash_knowledge, index, tmp_path / "faqbot.db")
    arguments = ["build", "--knowledge", str(crash_knowledge), "--index", str(index), "--store", STORE, "--force"]
    previous = published_build(index, STORE)
    killed_at(point, arguments, env, tmp_path / "killed")
    now = published_build(index, STORE)
    if published == "previous":
        assert now == previous
    else:
        assert now != previous and (index / STORE / now / "manifest.json").exists()
    assert "Visa" in answer(crash_knowledge, index)
    rerun_publishes_cleanly(arguments, env, tmp_path / "rerun", index, now)
    assert "Visa" in answer(crash_knowledge, index)


@pytest.mark.parametrize(
    "point",
    [pytest.param(HALF_WRITTEN, id="staging-folder-half-written"), pytest.param(POINTER_NOT_SWAPPED, id="pointer-written-not-swapped")],
)
def test_a_first_build_killed_publishes_nothing_and_its_rerun_works(crash_knowledge, seed_index, tmp_path, point):
    index = copy_index(seed_index, tmp_path / "index", with_store=False)
    env = base_env(crash_knowledge, index, tmp_path / "faqbot.db")
    arguments = ["build", "--knowledge", str(crash_knowledge), "--index", str(index), "--store", STORE]
    killed_at(point, arguments, env, tmp_path / "killed")
    assert published_build(index, STORE) is None
    with pytest.raises(IndexNotReady):
        answer(crash_knowledge, index)
    rerun_publishes_cleanly(arguments, env, tmp_path / "rerun", index, None)
    assert "Visa" in answer(crash_knowledge, index)
