"""The production deployment as README "Production" gives it, checked without a Docker engine.

Every step of the README's procedure that needs no engine runs here literally (Debian's
`docker-compose` validates the file); the rest is checked on the files the engine would read.
"""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Steps that need a running Docker engine; everything else in the procedure runs in the test.
NEEDS_ENGINE = {"build", "up", "ps", "run", "exec", "logs", "down", "pull"}


def _compose() -> str:
    found = shutil.which("docker-compose")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("Debian's docker-compose is not installed: CI must install it.")
        pytest.skip("Debian's docker-compose is not installed (apt-get install docker-compose)")
    return found


def _readme_steps() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- production-steps -->\n```sh\n(.*?)```", readme, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


@pytest.fixture
def deployment(tmp_path):
    """The README's procedure run in a copy of the repository's deployment files."""
    compose = _compose()
    for name in ("docker-compose.yml", "Dockerfile", ".dockerignore"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    ran = []
    for step in _readme_steps():
        words = shlex.split(step)
        if words[:2] == ["docker", "compose"]:
            if words[2] in NEEDS_ENGINE:
                continue
            words = [compose, *words[2:]]
        subprocess.run(words, cwd=tmp_path, check=True, capture_output=True, text=True)
        ran.append(step)
    config = subprocess.run(
        [compose, "config"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout
    return {"ran": ran, "config": yaml.safe_load(config)}


def test_the_readme_procedure_validates_the_compose_file(deployment):
    assert deployment["ran"] == ["cp deploy/env.example .env", "docker compose config -q"]
    services = deployment["config"]["services"]
    assert {"caddy", "migrate", "web", "worker-mail", "worker-reports", "beat"} <= set(services)


def test_every_long_running_service_has_a_health_check(deployment):
    services = deployment["config"]["services"]
    unchecked = [name for name, service in services.items() if name != "migrate"]
    assert [name for name in unchecked if "healthcheck" not in services[name]] == []


def test_migrations_run_once_before_the_web_and_the_workers(deployment):
    services = deployment["config"]["services"]
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in ("web", "worker-mail", "worker-reports", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert "migrate" not in " ".join(services[name].get("command") or [])


def test_queues_redis_databases_and_beat_state_are_separate(deployment):
    services = deployment["config"]["services"]
    env = services["web"]["environment"]
    databases = {
        env[name].rsplit("/", 1)[1]
        for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL")
    }
    assert databases == {"0", "1", "2"}
    assert (
        "mail"
        in services["worker-mail"]["command"][services["worker-mail"]["command"].index("-Q") + 1]
    )
    assert (
        services["worker-reports"]["command"][services["worker-reports"]["command"].index("-Q") + 1]
        == "reports"
    )
    targets = [  # compose prints short ("beat:/data/beat:rw") or long volume syntax
        volume["target"] if isinstance(volume, dict) else volume.split(":")[1]
        for volume in services["beat"]["volumes"]
    ]
    assert "/data/beat" in targets
    assert "--schedule=/data/beat/celerybeat-schedule" in services["beat"]["command"]


def test_tls_is_terminated_in_front_of_gunicorn(deployment):
    services = deployment["config"]["services"]
    assert {port["target"] for port in services["caddy"]["ports"]} == {80, 443}
    assert "ports" not in services["web"]  # reached only through the proxy
    assert "reverse_proxy web:8000" in (ROOT / "deploy" / "Caddyfile").read_text()


def test_the_image_runs_unprivileged_and_never_holds_the_env_file():
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".env.*" in ignored
