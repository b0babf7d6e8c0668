"""docker-compose.yml, checked without a Docker engine: dclint validates it against the Compose
Specification and lints it (.dclintrc); every command, module, port, environment variable and file it
names exists in the code and the images; .env.example and docs/operations.md match it service by service."""
from __future__ import annotations

import importlib
import importlib.util
import re
from urllib.parse import urlparse

import pytest
import yaml
from flask import Flask

from servicekit import webops
from tests.operations import compose as c
from tests.operations.tools import ROOT, run, tool

pytestmark = pytest.mark.db_independent

INFRA_VARIABLES = {"rabbitmq": {"RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS", "RABBITMQ_DEFAULT_VHOST"},
                   "postgres": {"POSTGRES_PASSWORD"}, "grafana": {"GF_SECURITY_ADMIN_PASSWORD", "GF_USERS_ALLOW_SIGN_UP"}}


def ours() -> dict[str, dict]:
    return {name: s for name, s in c.services().items() if s["image"].startswith(c.OURS)}


def folders_of(service: dict) -> list:
    return c.copied(c.builders()[c.image_name(service)])


def test_dclint_validates_and_lints_the_compose_file_without_a_warning():
    answer = run(tool("dclint"), "--config", ROOT / ".dclintrc", "--max-warnings", "0", "docker-compose.yml")
    assert answer.returncode == 0, answer.stdout + answer.stderr


def test_the_dockerfiles_pass_hadolint():
    files = sorted((ROOT / "deploy" / "docker").glob("Dockerfile.*"))
    answer = run(tool("hadolint"), "--config", ROOT / ".hadolint.yaml", *files)
    assert len(files) == 2 and answer.returncode == 0, answer.stdout + answer.stderr


def test_each_of_our_images_is_built_by_one_service_and_only_used_by_the_others():
    built = c.builders()
    for name, service in ours().items():
        assert c.image_name(service) in built, f"{name}: nobody builds {service['image']}"
        assert service["pull_policy"] == ("build" if "build" in service else "never"), name
        for folder in folders_of(service):
            assert (folder / "pyproject.toml").is_file(), f"{name}: the image copies {folder}, not a package"


def _check_command(name: str, argv: list[str], service: dict) -> None:
    """A console script of the image's packages with a subcommand it knows, python -m of a module it
    holds, or nameko run of a config file and a service class it holds."""
    folders = folders_of(service)
    held = {pkg.split(".")[0] for f in folders for pkg in c.packages(f)}
    scripts = c.scripts(folders)
    if argv[0] in scripts:
        module, function = scripts[argv[0]].split(":")
        with pytest.raises(SystemExit) as done:  # --help exits 0 only for a subcommand the CLI has
            getattr(importlib.import_module(module), function)([*argv[1:2], "--help"])
        assert done.value.code == 0, f"{name}: `{' '.join(argv)}`: no such command"
    elif argv[:2] == ["python", "-m"]:
        assert argv[2].split(".")[0] in held, f"{name}: {argv[2]} is not in the image"
        assert importlib.util.find_spec(argv[2] + ".__main__") or importlib.util.find_spec(argv[2]), argv
    elif argv[:2] == ["nameko", "run"]:
        config, target = argv[argv.index("--config") + 1], argv[-1]
        assert (ROOT / config).is_file(), f"{name}: {config} missing"
        module, cls = target.split(":")
        assert module.split(".")[0] in held
        assert getattr(importlib.import_module(module), cls).name == module.split(".")[0]
    else:
        pytest.fail(f"{name}: cannot tell what `{' '.join(argv)}` runs")


def test_every_command_and_health_check_runs_something_the_image_holds():
    for name, service in ours().items():
        build = c.builders()[c.image_name(service)]
        argv = service.get("command") or c.default_command(build)
        if argv[:2] == ["sh", "-c"]:  # the Dockerfile's CMD: exec nameko run ...
            argv = argv[2].removeprefix("exec ").split()
        _check_command(name, argv, service)
        check = (service.get("healthcheck") or {}).get("test")
        if check and check[1:3] == ["python", "-c"]:
            url = urlparse(re.search(r"'(http://[^']+)'", check[3])[1])
            assert url.port == c.bind_port(service, "_BIND"), f"{name}: the health check asks another port"
            assert url.path in _web_paths(), f"{name}: no {url.path} route"
        elif check:
            _check_command(name, check[1:], service)


def _web_paths() -> set[str]:
    app = Flask(__name__)
    app.register_blueprint(webops.blueprint("x", dict))
    return {rule.rule for rule in app.url_map.iter_rules()}


def test_every_long_running_service_has_a_health_check_and_one_shots_are_waited_for_to_finish():
    everything = c.services()
    for name, service in everything.items():
        if service.get("restart") == "unless-stopped":
            assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        for other, how in (service.get("depends_on") or {}).items():
            assert other in everything, f"{name} waits for {other}, which is not in the file"
            if how["condition"] == "service_completed_successfully":
                assert everything[other]["restart"] == "no", f"{other} is not a one-shot"
            elif how["condition"] == "service_healthy":
                assert everything[other].get("healthcheck"), f"{name} waits for {other}'s health, it has none"
    one_shots = {n for n, s in everything.items() if s.get("restart") == "no"}
    assert one_shots == {"broker-users", "custody-migrate", "incident-migrate", "notify-migrate"}
    for service in ("custody", "incident", "notify"):
        assert everything[service]["depends_on"][f"{service}-migrate"]["condition"] == "service_completed_successfully"
        assert everything[service]["deploy"]["replicas"] >= 2


def test_every_environment_variable_is_read_by_the_part_it_is_given_to():
    script = (ROOT / "deploy/docker/rabbitmq-users.sh").read_text()
    users = re.search(r"for part in ([a-z ]+); do", script)[1].split()
    init_sql = set(re.findall(r"\\getenv \w+ (\w+)", (ROOT / "deploy/docker/postgres-init.sql").read_text()))
    for name, service in c.services().items():
        given = set(service.get("environment") or {})
        if name in ours():
            unread = given - c.variables_read(folders_of(service))
        elif name == "broker-users":
            unread = {v for v in given if not (v.startswith("RABBITMQ_") and f"${v}" in script)
                      and v.removesuffix("_AMQP_PASSWORD").lower() not in users}
        elif name == "postgres":
            unread = given - init_sql - INFRA_VARIABLES["postgres"]
        else:
            unread = given - INFRA_VARIABLES.get(name, set())
        assert not unread, f"{name} is given {sorted(unread)}, which nothing in it reads"


def test_ports_and_ops_addresses_match_what_each_part_listens_on_and_prometheus_scrapes():
    prometheus = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    scraped = {n: cfg["port"] for job in prometheus["scrape_configs"] for cfg in job.get("dns_sd_configs", [])
               for n in cfg["names"]}
    for name in ("custody", "incident", "notify"):
        service = c.services()[name]
        assert c.bind_port(service, "_OPS_ADDRESS") == scraped[name] == 9100
        assert "EXPOSE 9100" in c.dockerfile(c.builders()[c.image_name(service)])[0]
    for name, service in ours().items():
        for mapping in service.get("ports", []):
            assert int(mapping.rsplit(":", 1)[1]) == c.bind_port(service, "_BIND"), f"{name} publishes {mapping}"
    targets = [t for job in prometheus["scrape_configs"] for cfg in job.get("static_configs", []) for t in cfg["targets"]]
    targets += [t for f in (ROOT / "deploy/prometheus/kiosks").glob("*.yml") for g in yaml.safe_load(f.read_text())
                for t in g["targets"]]
    for target in targets:
        host, port = target.split(":")
        assert c.bind_port(c.services()[host], "_BIND") == int(port), target


def test_every_file_and_volume_it_mounts_exists():
    declared = set(c.compose()["volumes"])
    used = set()
    for name, service in c.services().items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which is missing"
            else:
                assert source in declared, f"{name} uses the undeclared volume {source}"
                used.add(source)
    assert used == declared


def test_env_example_documents_every_variable_the_compose_file_reads_and_no_other():
    lines = (ROOT / ".env.example").read_text().splitlines()
    documented = {}
    for i, line in enumerate(lines):
        if m := re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line):
            documented[m[1]] = m[2]
            assert lines[i - 1].startswith(("#", f"{lines[i - 1].split('=')[0]}=")), f"{m[1]} has no comment"
    assert set(documented) == c.compose_variables()
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", (ROOT / "docker-compose.yml").read_text()))
    secrets = {v for v in required if v.endswith(("PASSWORD", "SECRET", "SECRET_KEY", "KEY"))}
    assert secrets and all(documented[v] == "" for v in secrets), "no real secret in the example"


def test_operations_guide_lists_every_compose_service_with_its_published_ports():
    guide = (ROOT / "docs" / "operations.md").read_text()
    table = guide.split("### Services in docker-compose.yml", 1)[1].split("\n\n", 2)[1]
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `([a-z-]+)` \|([^\n]*)$", table, re.M)}
    assert set(rows) == set(c.services())
    for name, service in c.services().items():
        for mapping in service.get("ports", []):
            assert mapping.rsplit(":", 1)[0] in rows[name], f"docs/operations.md: {name} publishes {mapping}"
