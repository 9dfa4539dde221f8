"""deploy/compose.yaml's graph, read as compose reads it (no Docker engine runs here to start it):
the servers start only on a healthy database and Redis after the one-shot init, the proxy reaches
every server and is the only address they believe X-Forwarded-For from, and each FAQBOT_* value is a
setting bot/settings.py has. tests/deploy/test_stack_here.py runs the same commands for real."""

from __future__ import annotations

import ipaddress
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

from tests.deploy.deployfiles import (
    COMPOSE,
    DEPLOY,
    DOCKERFILE,
    SECRETS,
    environment,
    faqbot_commands,
    healthcheck,
    parse_cli,
    parse_nginx,
    read_compose,
    read_dockerfile,
    serving_services,
    setting_variables,
    settings_from,
)

COMPOSED = read_compose()
SERVICES = COMPOSED["services"]
SERVERS = sorted(serving_services(COMPOSED))
WITH_FAQBOT_SETTINGS = sorted(name for name, s in SERVICES.items() if any(k.startswith("FAQBOT_") for k in environment(s)))


def proxy() -> tuple[str, list]:
    """The service that mounts deploy/nginx.conf, and that file parsed."""
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            if source.endswith(".conf"):
                # The official image includes conf.d/*.conf inside its http block, where upstream and server belong.
                assert target.startswith("/etc/nginx/conf.d/") and target.endswith(".conf"), target
                return name, parse_nginx((DEPLOY / source).read_text())
    pytest.fail("no service mounts an nginx configuration")


def image_healthcheck() -> bool:
    """Whether the image deploy/Dockerfile builds has a HEALTHCHECK (a service built from it inherits it)."""
    return any(i.keyword == "HEALTHCHECK" and not i.text.upper().startswith("NONE") for i in read_dockerfile())


def has_healthcheck(service: dict) -> bool:
    check = service.get("healthcheck")
    if check is not None:
        return not check.get("disable") and bool(check.get("test"))
    build = service.get("build")
    return build is not None and (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE and image_healthcheck()


def test_there_are_at_least_two_servers():
    """Issue #16: many shops served at once, by more than one container behind the proxy."""
    assert len(SERVERS) >= 2, SERVERS


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(
    ("dependency", "condition"),
    [
        pytest.param("postgres", "service_healthy", id="database"),
        pytest.param("redis", "service_healthy", id="redis"),
        pytest.param("init", "service_completed_successfully", id="init-migrated-and-built"),
    ],
)
def test_every_server_waits_for_what_it_needs(server, dependency, condition):
    """A server that started before the database accepts connections, or before the indexes were built,
    would fail its first requests (or both servers would migrate and build at once)."""
    assert SERVICES[server]["depends_on"][dependency] == {"condition": condition}


def test_every_service_waited_on_as_healthy_has_a_healthcheck():
    """`condition: service_healthy` on a service without a healthcheck never becomes true: compose refuses."""
    waited = {target for s in SERVICES.values() for target, d in (s.get("depends_on") or {}).items() if d.get("condition") == "service_healthy"}
    assert waited >= {"postgres", "redis", *SERVERS}
    assert [name for name in sorted(waited) if not has_healthcheck(SERVICES[name])] == []


@pytest.mark.parametrize("server", SERVERS)
def test_the_images_healthcheck_probes_the_port_each_server_listens_on(server):
    """A server started on another port than the image's HEALTHCHECK probes never turns healthy, and the
    proxy waiting on it never starts."""
    if "healthcheck" in SERVICES[server]:
        pytest.skip("the service has its own healthcheck")
    _, url = healthcheck(read_dockerfile())
    assert urlsplit(url).port == parse_cli(faqbot_commands(SERVICES[server]["command"])[0]).params["port"]


def test_the_proxy_routes_to_every_server_on_the_port_it_serves():
    """Every replica gets requests (an upstream without one would leave it idle), on the port its own
    `faqbot serve --port` listens on, and the proxy starts only once they are healthy."""
    name, conf = proxy()
    upstreams = {d.args[0]: d for d in conf if d.name == "upstream"}
    locations = [loc for server in conf if server.name == "server" for loc in server.find("location")]
    root = next(loc for loc in locations if loc.args == ["/"])
    target = root.find("proxy_pass")[0].args[0]
    assert target.startswith("http://") and target.removeprefix("http://") in upstreams
    routed = {d.args[0] for d in upstreams[target.removeprefix("http://")].find("server")}
    served = {f"{s}:{parse_cli(faqbot_commands(SERVICES[s]['command'])[0]).params['port']}" for s in SERVERS}
    assert routed == served
    assert all(SERVICES[name]["depends_on"][s] == {"condition": "service_healthy"} for s in SERVERS)


def test_the_proxy_passes_every_body_faqbot_accepts():
    """A body over nginx's limit gets nginx's HTML 413; faqbot's own limit should answer first, in JSON."""
    _, conf = proxy()
    size = next(d.args[0] for server in conf if server.name == "server" for d in server.find("client_max_body_size"))
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    limit = int(size[:-1]) * units[size[-1].lower()] if size[-1].lower() in units else int(size)
    for server in SERVERS:
        assert limit >= settings_from(environment(SERVICES[server])).max_body_bytes


@pytest.mark.parametrize("service", WITH_FAQBOT_SETTINGS)
def test_every_faqbot_variable_is_a_setting_and_valid(service):
    """A misspelt FAQBOT_* variable is ignored silently by the server; a known one must also parse."""
    variables = {k: v for k, v in environment(SERVICES[service]).items() if k.startswith("FAQBOT_")}
    assert sorted(set(variables) - setting_variables()) == []
    settings_from(variables)


@pytest.mark.parametrize("server", SERVERS)
def test_only_the_proxy_is_believed_for_forwarded_addresses(server):
    """FAQBOT_FORWARDED_ALLOW_IPS is the proxy's fixed address, on a network the server shares with it:
    uvicorn matches addresses, not names, and anyone else's X-Forwarded-For must be ignored."""
    name, conf = proxy()
    allowed = [a.strip() for a in settings_from(environment(SERVICES[server])).forwarded_allow_ips.split(",")]
    proxy_addresses = {n: cfg["ipv4_address"] for n, cfg in SERVICES[name]["networks"].items()}
    networks = SERVICES[server]["networks"]
    shared = [n for n in proxy_addresses if n in networks]
    assert allowed == [proxy_addresses[n] for n in shared] and len(allowed) == 1
    subnet = COMPOSED["networks"][shared[0]]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(allowed[0]) in ipaddress.ip_network(subnet)
    forwarded = [d for s in conf if s.name == "server" for loc in s.find("location") for d in loc.find("proxy_set_header") if d.args[0].lower() == "x-forwarded-for"]
    assert [d.args[1] for d in forwarded] == ["$remote_addr"]  # the edge: a client's own header is replaced


@pytest.mark.parametrize("service", ["init", *SERVERS])
def test_the_database_and_redis_urls_name_the_compose_services(service):
    """The URL's host, user, database and password are the postgres service's own, and Redis's host is
    the redis service: a typo here shows only when the stack is started."""
    env = environment(SERVICES[service])
    database = make_url(env["FAQBOT_DATABASE_URL"])
    postgres = environment(SERVICES[database.host])
    assert database.drivername == "postgresql+psycopg"  # the driver pyproject installs (psycopg 3)
    assert (database.username, database.password, database.database, database.port) == (
        postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"], postgres["POSTGRES_DB"], 5432,
    )
    redis = make_url(env["FAQBOT_REDIS_URL"])
    assert redis.drivername == "redis" and redis.host in SERVICES and SERVICES[redis.host]["image"].startswith("redis")


def test_init_and_every_server_share_one_index_and_read_one_knowledge():
    """`faqbot build` in init publishes to the folder every server reads (the image's WORKDIR + the
    default FAQBOT_INDEX_DIR), so a rebuilt store reaches all workers without a restart."""
    from bot.settings import Settings

    workdir = PurePosixPath(next(i.text for i in read_dockerfile() if i.keyword == "WORKDIR"))
    defaults = Settings.model_fields
    wanted = {
        str(workdir / defaults["index_dir"].default): "index",
        str(workdir / defaults["knowledge_dir"].default): "../knowledge",
    }
    for service in ["init", *SERVERS]:
        mounts = {parts[1]: parts[0] for parts in (v.split(":") for v in SERVICES[service]["volumes"])}
        assert {target: mounts.get(target) for target in wanted} == wanted, service
    assert "index" in COMPOSED["volumes"]  # a named volume: shared, and kept across `docker compose down`
    assert (COMPOSE.parent / "../knowledge").resolve().is_dir()


def test_the_image_is_built_from_deploy_dockerfile_at_the_repository_top():
    for service in ["init", *SERVERS]:
        build = SERVICES[service]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
        assert (DEPLOY / build["context"] / "pyproject.toml").is_file()


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_compose_refuses_to_start_without_each_secret(secret):
    """No default password or cookie key can slip into production: each is `${VAR:?...}`."""
    with pytest.raises(KeyError, match=secret):
        read_compose({k: v for k, v in SECRETS.items() if k != secret})
