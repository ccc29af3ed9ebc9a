"""Demo accounts (a published password) and demo figures reach only a demo database, on request."""

import subprocess

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from accounts.demo import demo_accounts_create
from accounts.models import User
from reporting.demo import demo_figures_create
from tests.factories import CommuneFactory


@pytest.fixture
def demo_allowed(settings):
    settings.DEMO_DATA_ALLOWED = True


@pytest.mark.parametrize("command", ["demo_accounts", "demo_figures"])
def test_the_commands_refuse_without_an_explicit_demo_flag(command, demo_allowed, seeds):
    with pytest.raises(CommandError, match="--demo"):
        call_command(command)
    assert not User.objects.filter(username="admin").exists()


@pytest.mark.parametrize("create", [demo_accounts_create, demo_figures_create])
def test_a_database_with_a_real_commune_gets_no_demo_data(create, demo_allowed, seeds):
    CommuneFactory(name="Xã Thật")
    with pytest.raises(ImproperlyConfigured, match="Xã Thật"):
        create(demo=True)
    assert not User.objects.filter(username="admin").exists()


def test_the_seed_database_gets_the_demo_logins_on_request(demo_allowed, seeds):
    call_command("demo_accounts", "--demo")
    assert User.objects.get(username="admin").is_superuser


def _make_run_commands(**env) -> str:
    return subprocess.run(
        ["make", "-n", "run"],
        cwd=django_settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_on_a_database_url_creates_no_demo_accounts():
    assert "demo_accounts --demo" in _make_run_commands()
    on_postgres = _make_run_commands(DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal")
    assert "demo_accounts" not in on_postgres and "demo_figures" not in on_postgres
    assert "createsuperuser" in on_postgres
