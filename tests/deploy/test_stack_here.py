"""deploy/compose.yaml's own commands, run here as they are written, since no Docker engine runs on this
machine: init's `faqbot db upgrade && faqbot build`, then a server's `faqbot serve ...` with the
environment compose gives it, against this machine's PostgreSQL and Redis (the hosts and addresses that
name compose services rewritten to 127.0.0.1), with deploy/nginx.conf in front in a real nginx. The
image's HEALTHCHECK is run against it too. What stays unchecked is only what an engine adds: the image
build, the network and the volumes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bot.db import Exchange, session_factory
from tests.conftest import KNOWLEDGE, ROOT, free_port, postgres_url, reachable
from tests.deploy.deployfiles import (
    DEPLOY,
    environment,
    healthcheck,
    parse_nginx,
    read_compose,
    read_dockerfile,
    render_nginx,
    serving_services,
    with_option,
)

COMPOSED = read_compose()
SERVICES = COMPOSED["services"]
SERVER = sorted(serving_services(COMPOSED))[0]
INIT = next(name for name, d in SERVICES[SERVER]["depends_on"].items() if d["condition"] == "service_completed_successfully")
DATABASE = "faqbot_deploy"  # a database of its own: the suite's storage tests share `test`
REDIS_DB = 13  # a Redis database nothing else here uses
STORE, QUESTION, ANSWER = "sessori", "What countries do you ship to?", "US, Canada and UK"
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx")


def addresses() -> set[str]:
    """The fixed addresses compose gives services (the proxy's is the one servers believe)."""
    networks = [s["networks"] for s in SERVICES.values() if isinstance(s.get("networks"), dict)]  # a list names networks only
    return {cfg["ipv4_address"] for n in networks for cfg in n.values() if cfg and "ipv4_address" in cfg}


def here(value: str, database_url: str, redis_url: str) -> str:
    """A compose value as it must read on this machine: a service's URL points at the local server (the
    local PostgreSQL's own user and the test's database; Redis's test database), a service's address is 127.0.0.1."""
    if "://" in value:
        url = make_url(value)
        if url.host in SERVICES:
            local = make_url(database_url if url.drivername.startswith("postgresql") else redis_url)
            return url.set(host=local.host, port=local.port, username=local.username, password=local.password, database=local.database).render_as_string(hide_password=False)
        return value
    parts = [p.strip() for p in value.split(",")]
    return ",".join("127.0.0.1" if p in addresses() else p for p in parts)


def wait_until(ready, process: subprocess.Popen, log: Path, seconds: float = 150) -> None:
    """Poll `ready()` until it is true, pausing on the process itself (so one that exits fails at once)."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"not ready after {seconds} s: {log.read_text()[-2000:]}")
        try:
            process.wait(timeout=0.25)
            pytest.fail(f"exited with {process.returncode}: {log.read_text()[-2000:]}")
        except subprocess.TimeoutExpired:
            pass


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def backends() -> tuple[str, str]:
    """A fresh PostgreSQL database and a Redis database with no counters, or a skip saying why not."""
    server = make_url(postgres_url())
    problem = reachable(server.render_as_string(hide_password=False))
    if problem:
        if os.environ.get("FAQBOT_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL required but unreachable: {problem}")
        pytest.skip(f"no PostgreSQL reachable: {problem}")
    with create_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f"drop database if exists {DATABASE} with (force)"))
        connection.execute(text(f"create database {DATABASE}"))
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    try:
        client = redis.Redis.from_url(redis_url, socket_timeout=2)
        for key in client.scan_iter("faqbot:*"):
            client.delete(key)
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {redis_url}: {exc}")
    return server.set(database=DATABASE).render_as_string(hide_password=False), redis_url


@pytest.fixture(scope="module")
def stack(backends, tmp_path_factory) -> dict:
    """init's command, then the server's on a free port, in a folder laid out as the image's WORKDIR
    (knowledge/ holding one store, so the build takes seconds). Yields where it serves."""
    database_url, redis_url = backends
    workdir = tmp_path_factory.mktemp("srv-faqbot")
    shutil.copytree(KNOWLEDGE / STORE, workdir / "knowledge" / STORE)
    outside = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_") or k == "FAQBOT_ENCODER_CACHE"}

    def env_of(service: str) -> dict[str, str]:
        compose = {k: here(v, database_url, redis_url) for k, v in environment(SERVICES[service]).items()}
        return outside | compose | {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}

    init = subprocess.run(SERVICES[INIT]["command"], cwd=workdir, env=env_of(INIT), capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stderr[-3000:]
    port = free_port()
    log = workdir / "serve.log"
    with open(log, "w") as sink:
        process = subprocess.Popen(with_option(SERVICES[SERVER]["command"], "--port", str(port)), cwd=workdir, env=env_of(SERVER), stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{url}/healthz"), process, log)
        yield {"url": url, "port": port, "database_url": database_url, "redis": redis.Redis.from_url(redis_url), "env": env_of(SERVER)}
    finally:
        stop(process)


@pytest.fixture(scope="module")
def proxy(stack, tmp_path_factory) -> str:
    """deploy/nginx.conf in a real nginx, as the official image includes it (in the http block), with
    every upstream server and the listen address moved to this machine."""
    if NGINX is None:
        if os.environ.get("FAQBOT_REQUIRE_NGINX"):
            pytest.fail("nginx required but not installed (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    prefix = tmp_path_factory.mktemp("nginx")
    conf = parse_nginx((DEPLOY / "nginx.conf").read_text())
    port = free_port()
    for block in conf:
        if block.name == "upstream":
            for server in block.find("server"):
                server.args[0] = f"127.0.0.1:{stack['port']}"  # every replica is the one server running here
        elif block.name == "server":
            for listen in block.find("listen"):
                listen.args[0] = f"127.0.0.1:{port}"
    (prefix / "faqbot.conf").write_text(render_nginx(conf))
    temp = " ".join(f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(
        f"daemon off; pid {prefix / 'nginx.pid'}; error_log {prefix / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log off; {temp} include {prefix / 'faqbot.conf'}; }}\n"
    )
    log = prefix / "error.log"
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(log)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{url}/healthz"), process, log, seconds=30)
        yield url
    finally:
        stop(process)


def rate_counted(stack, client: str) -> bool:
    """Whether the chat rate limit counted a request from `client` in Redis (shared by every worker)."""
    return any(stack["redis"].scan_iter(f"faqbot:rate:chat:{client}:*"))


def test_init_then_the_server_command_serves_every_store_fresh(stack):
    body = httpx.get(f"{stack['url']}/healthz").json()
    assert body["status"] == "ok" and body["stores"] == {STORE: "fresh"}


@pytest.mark.parametrize(("serving", "passes"), [pytest.param(True, True, id="server-up"), pytest.param(False, False, id="nothing-listening")])
def test_the_images_healthcheck_tells_a_serving_server_from_none(stack, serving, passes):
    """The Dockerfile's HEALTHCHECK command, with its port moved to where the server listens here."""
    command, url = healthcheck(read_dockerfile())
    port = stack["port"] if serving else free_port()
    probe = [word.replace(url, url.replace(f":{httpx.URL(url).port}/", f":{port}/")) for word in command]
    assert (subprocess.run(probe, env=stack["env"], capture_output=True, timeout=30).returncode == 0) is passes


def test_a_question_is_answered_and_recorded_in_the_compose_database(stack):
    reply = httpx.post(f"{stack['url']}/v1/chat", json={"store": STORE, "message": QUESTION}, timeout=30).json()
    assert reply["kind"] == "answer" and ANSWER in reply["reply"]
    with session_factory(stack["database_url"])() as db:
        rows = db.scalars(select(Exchange).where(Exchange.session_id == reply["session_id"])).all()
    assert [(r.store, r.message) for r in rows] == [(STORE, QUESTION)]


@pytest.mark.parametrize(
    ("source", "forwarded", "counted"),
    [
        pytest.param("127.0.0.1", "198.51.100.7", "198.51.100.7", id="from-the-proxys-address"),
        pytest.param("127.0.0.2", "198.51.100.8", "127.0.0.2", id="from-anyone-else"),
    ],
)
def test_x_forwarded_for_is_believed_from_the_proxys_address_only(stack, source, forwarded, counted):
    """FAQBOT_FORWARDED_ALLOW_IPS (the proxy's address, here 127.0.0.1): a shopper's address the proxy
    forwards is the one rate-limited, in compose's Redis; a header from anywhere else is ignored."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as client:
        reply = client.post(f"{stack['url']}/v1/chat", json={"store": STORE, "message": QUESTION}, headers={"X-Forwarded-For": forwarded})
    assert reply.status_code == 200
    assert rate_counted(stack, counted)
    assert rate_counted(stack, forwarded) is (forwarded == counted)


def test_through_the_proxy_the_shopper_is_the_address_nginx_saw(stack, proxy):
    """nginx answers for the server and replaces a client's own X-Forwarded-For with the address it saw."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), timeout=30) as client:
        reply = client.post(f"{proxy}/v1/chat", json={"store": STORE, "message": QUESTION}, headers={"X-Forwarded-For": "198.51.100.9"})
    assert reply.status_code == 200 and ANSWER in reply.json()["reply"]
    assert rate_counted(stack, "127.0.0.3") and not rate_counted(stack, "198.51.100.9")
