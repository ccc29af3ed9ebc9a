import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from pytest_django.plugin import blocking_manager_key

from accounts.models import User
from accounts.security import second_factor_required_by_role
from communes.models import Commune, Membership, Role, Unit
from onboarding.seeds import seeds_load_all
from reporting.consolidation import kept_consolidations_forget
from tests.factories import UserFactory
from tests.snapshot import snapshot_restore, snapshot_take


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` on every core: the browser tests are one unit of work, which one worker takes
    first and runs one after another, while the other workers share the rest a test at a time.
    Two Chromiums and two live servers on two cores slow each other more than they gain: with
    plain load balancing one worker kept most of them (377 s of tests against 110 s), with work
    stealing both ran them together and the tests took 610 s of worker time instead of 487 s.
    (--dist loadgroup would do it by marker, but pytest-xdist 3.8 cannot rename pytest 9's ids.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "browser" if nodeid.startswith("tests/browser/") else nodeid

    return BrowserTestsTogether(config, log)


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Tests read the UI the way its users do: in Vietnamese, the default language."""
    settings.LANGUAGE_CODE = "vi"


def second_factor_test_device(user) -> StaticDevice:
    """A confirmed device for tests that log in someone whose role needs a second factor."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="tests", defaults={"confirmed": True}
    )
    return device


@pytest.fixture(autouse=True)
def _cache_empty():
    """Each test starts with empty caches: readings kept under a digest of their data
    (`reporting.consolidation.consolidation_fingerprint`) must not outlive the data of the test
    that kept them, whose row ids the next test may reuse (SQLite reuses them after a
    rollback, and a new test database starts every sequence again)."""
    cache.clear()
    kept_consolidations_forget()


@pytest.fixture(autouse=True)
def _second_factor_verified_on_force_login(monkeypatch):
    """`client.force_login(officer)` and `client.login(...)` give a session whose second factor
    is verified, as if the officer had typed the code: tests of other things need not go
    through it. The tests of the second factor itself log in through the login form, which
    this leaves alone."""
    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        fresh = User.objects.get(pk=user.pk)  # the role as it stands, not a cached scope
        if second_factor_required_by_role(fresh):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = second_factor_test_device(fresh).persistent_id
            session.save()

    def login(self, **credentials):
        # As Django's Client.login, with the request django-axes needs to count the attempt.
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        user = authenticate(request, **credentials)
        if user is None:
            return False
        self._login(user)
        return True

    monkeypatch.setattr(Client, "_login", _login)
    monkeypatch.setattr(Client, "login", login)


SEED_CODES = {"dien-quang", "truong-giang", "an-nong"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the seed communes once and keep a copy of them; each test runs in a transaction that
    is rolled back, and a transactional test's flush is undone from the copy (tests/snapshot.py)."""
    with django_db_blocker.unblock():
        seeds_load_all()
        snapshot_take("seeds")


def _flushes(item) -> bool:
    """Does pytest-django flush the database after this test? Its own rule for a transactional
    test (pytest_django.plugin, `get_order_number`), which it does not export."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & fixtures
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, the seed communes go back at once (committed), so
    that every test finds them whatever ran before it in this process. Put back only when a
    later test asks for `seeds`, they would wipe the rows that test's earlier fixtures made
    (`admin_user`, say), and a test in a transaction would copy them back only to roll back."""
    result = yield
    if _flushes(item) and nextitem is not None:  # after the last test the database is gone
        with item.config.stash[blocking_manager_key].unblock():
            _seeds_put_back()
    return result


def _seeds_put_back() -> None:
    """The seed communes back after a flush: copied from the session's snapshot, or loaded again
    when the snapshot went with an old connection (and the snapshot taken, outside a transaction)."""
    if not snapshot_restore("seeds"):
        seeds_load_all()
        if not connection.in_atomic_block:
            snapshot_take("seeds")


@pytest.fixture
def seeds(db):
    """The three real seed communes of fixtures/seeds/, by code."""
    communes = {commune.code: commune for commune in Commune.objects.filter(code__in=SEED_CODES)}
    if len(communes) < len(SEED_CODES):  # flushed by something other than a transactional test
        _seeds_put_back()
        communes = {
            commune.code: commune for commune in Commune.objects.filter(code__in=SEED_CODES)
        }
    return communes


def person(role: str, *, commune: Commune | None = None, unit: Unit | None = None, province=None):
    user = UserFactory()
    Membership.objects.create(
        user=user,
        role=role,
        commune=commune if role != Role.PROVINCE_OFFICER and province is None else None,
        unit=unit,
        province=province,
    )
    return user


@pytest.fixture
def people(seeds):
    """One person per role in Điền Quang, plus the two province officers and staff of another commune."""
    dien_quang = Commune.objects.get(code="dien-quang")
    truong_giang = Commune.objects.get(code="truong-giang")
    return {
        "standing_office": person(Role.STANDING_OFFICE, commune=dien_quang),
        "leader": person(Role.COMMUNE_LEADER, commune=dien_quang),
        "kinh_te": person(
            Role.UNIT_STAFF,
            commune=dien_quang,
            unit=dien_quang.units.get(short_name="Phòng Kinh tế"),
        ),
        "cong_an": person(
            Role.UNIT_STAFF, commune=dien_quang, unit=dien_quang.units.get(short_name="Công an xã")
        ),
        "thanh_hoa": person(Role.PROVINCE_OFFICER, province=dien_quang.province),
        "quang_ngai": person(Role.PROVINCE_OFFICER, province=truong_giang.province),
        "other_commune_office": person(Role.STANDING_OFFICE, commune=truong_giang),
    }


@pytest.fixture
def inspectors(seeds):
    """Read-only inspectors: of the commune Điền Quang, and of its province Thanh Hóa."""
    dien_quang = Commune.objects.get(code="dien-quang")
    return {
        "inspector": person(Role.INSPECTOR, commune=dien_quang),
        "inspector_thanh_hoa": person(Role.INSPECTOR, province=dien_quang.province),
    }


# --- The end-of-run report: the figures the tests measured and what the page checkers found,
# printed together after the run, whichever pytest-xdist worker measured them (`make test` runs
# the suite on every core; a worker's output is not shown, its reports and `workeroutput` are).

_FIGURES: list[tuple[str, str]] = []  # (test id, line), as the reports reach this process
_CHECKS: list[dict] = []  # one page-checker summary per session (tests/browser/a11y.py)


@pytest.fixture
def figures(request):
    """`figures("tenant isolation: 109 routes, …")`: a line for the end-of-run report."""
    return lambda line: request.node.user_properties.append(("figure", line))


def publish_checks(config, summary: dict) -> None:
    """A session's page-checker summary: sent to the controller from a worker, kept if none."""
    if hasattr(config, "workeroutput"):
        config.workeroutput["page_checks"] = summary
    else:
        _CHECKS.append(summary)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    summary = getattr(node, "workeroutput", {}).get("page_checks")
    if summary:
        _CHECKS.append(summary)


def pytest_runtest_logreport(report):
    if report.when == "teardown":  # its user_properties hold what the call and fixtures added
        _FIGURES.extend(
            (report.nodeid, value) for name, value in report.user_properties if name == "figure"
        )


def pytest_terminal_summary(terminalreporter):
    write = terminalreporter.write_line
    if _FIGURES:
        terminalreporter.write_sep("-", "figures the tests measured")
        for _test, line in sorted(_FIGURES, key=lambda figure: figure[0]):
            write(line)
    if not _CHECKS:
        return
    from tests.browser import a11y

    terminalreporter.write_sep("-", "accessibility and HTML checks (axe-core WCAG 2.1 A/AA, vnu)")
    off = [summary["off"] for summary in _CHECKS if "off" in summary]
    if off:
        write(f"SKIPPED: {off[0]}")
        return
    for line in a11y.summary_lines(_CHECKS):
        write(line)
