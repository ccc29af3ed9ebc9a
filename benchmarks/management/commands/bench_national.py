"""Benchmark on the national demo data (`manage.py demo_national`): what a province officer and a
standing office open, against gunicorn on 127.0.0.1 (one client, then 8 at once), with each
page's size and query count; the daily reminder run; the province report. The largest demo
province beside the smallest, so that growth shows. Prints figures; asserts nothing.

    manage.py bench_national [--large 79] [--small 12] [--period 202611] [--requests 20]
"""

from __future__ import annotations

import http.client
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.security import second_factor_required_by_role
from communes.demo import DEMO_CODE_PREFIX
from communes.models import Commune, Membership, Notification, Province, Role
from reminders.models import Reminder
from reminders.services import reminders_send
from reporting.models import ReportingPeriod
from reports.models import ReportFormat
from reports.rendering import province_report_file

CLIENTS = 8
PORT = 8917


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _client_for(user) -> Client:
    """A logged-in client; a role that needs a second factor gets a demo device, verified (the
    benchmark runs on demo data only)."""
    client = Client()
    client.force_login(user)
    if second_factor_required_by_role(user):
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class Command(BaseCommand):
    help = "Benchmark province pages, API lists, the reminder run and the province report."

    def add_arguments(self, parser):
        parser.add_argument("--large", help="Province code (default: the most demo communes).")
        parser.add_argument("--small", help="Province code (default: the fewest demo communes).")
        parser.add_argument("--period", help="Period code (default: last month).")
        parser.add_argument("--requests", type=int, default=20, help="Per page, one client.")
        parser.add_argument(
            "--server-dir",
            help="Serve the pages from this checkout (e.g. the code before a change), same database.",
        )
        parser.add_argument("--skip-pages", action="store_true")
        parser.add_argument("--skip-reports", action="store_true")
        parser.add_argument("--skip-reminders", action="store_true")
        parser.add_argument(
            "--reminders-on",
            type=date.fromisoformat,
            help="Day of the reminder run, YYYY-MM-DD (default: the period's deadline).",
        )
        parser.add_argument(
            "--reminder-communes",
            type=int,
            help="Run the reminders for the first N communes only (default: every commune).",
        )

    def handle(self, *args, **options):
        counted = (
            Province.objects.filter(communes__code__startswith=DEMO_CODE_PREFIX)
            .annotate(n=Count("communes"))
            .order_by("-n")
        )
        if not counted:
            raise CommandError("No demo province: run manage.py demo_national --demo first.")
        large = options["large"] or counted.first().code
        small = options["small"] or counted.last().code
        today = timezone.localdate()
        last_month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
        period = options["period"] or f"{last_month.year}{last_month.month:02d}"
        provinces = [Province.objects.get(code=code) for code in dict.fromkeys((large, small))]
        sizes = {p.code: p.communes.count() for p in provinces}
        self.stdout.write(
            f"bench_national · {date.today()} · period {period} · "
            + " vs ".join(f"{p.name} ({sizes[p.code]} communes)" for p in provinces)
            + f" · {Commune.objects.count()} communes in the database"
        )
        if not options["skip_pages"]:
            server = self._gunicorn(options["server_dir"] or settings.BASE_DIR)
            try:
                self._pages(provinces, period, options["requests"])
            finally:
                server.terminate()
                server.wait(timeout=30)
        # The reports before the reminders: the process's peak memory is then the report's.
        if not options["skip_reports"]:
            self._reports(provinces, period)
        if not options["skip_reminders"]:
            self._reminders(
                options["reminders_on"] or self._deadline(period) or today,
                options["reminder_communes"],
            )

    # ---- pages and API lists

    def _gunicorn(self, directory):
        env = dict(os.environ)  # the command's settings (a demo database: DEBUG on)
        server = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "config.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=directory,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self._get("/healthz", "")
                return server
            except OSError:
                time.sleep(0.5)
        server.terminate()
        raise CommandError("gunicorn did not start on 127.0.0.1")

    def _get(self, path: str, cookie: str) -> tuple[int, int]:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        try:
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            return response.status, len(response.read())
        finally:
            conn.close()

    def _timed(self, path: str, cookie: str) -> float:
        started = time.perf_counter()
        status, _size = self._get(path, cookie)
        if status != 200:
            raise CommandError(f"{path}: HTTP {status}")
        return (time.perf_counter() - started) * 1000

    def _pages(self, provinces, period, repeat):
        self.stdout.write(
            f"\n{'page':58} {'communes':>8} {'1 client p50/p95 ms':>20} "
            f"{'8 clients p50/p95 ms':>21} {'first ms':>8} {'KB':>7} {'queries':>7}"
        )
        for province in provinces:
            officer = (
                Membership.objects.filter(role=Role.PROVINCE_OFFICER, province=province)
                .select_related("user")
                .first()
            )
            office = (
                Membership.objects.filter(
                    role=Role.STANDING_OFFICE,
                    commune__province=province,
                    commune__code__startswith=DEMO_CODE_PREFIX,
                )
                .select_related("user", "commune")
                .order_by("commune__code")
                .first()
            )
            commune = office.commune.code
            pages = [
                (officer.user, f"/provinces/{province.code}/"),
                (officer.user, f"/provinces/{province.code}/dashboard/?period={period}"),
                (
                    officer.user,
                    f"/provinces/{province.code}/dashboard/?period={period}&show=all",
                ),
                (officer.user, f"/api/v1/provinces/{province.code}/figures/?period={period}"),
                (officer.user, f"/api/v1/communes/?province={province.code}"),
                (officer.user, f"/communes/{commune}/dashboard/?period={period}"),
                (office.user, f"/communes/{commune}/dashboard/?period={period}"),
                (office.user, f"/communes/{commune}/reporting/{period}/"),
                (office.user, f"/api/v1/communes/{commune}/indicators/"),
            ]
            for user, path in pages:
                client = _client_for(user)
                cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
                client.get(path)  # warm the per-process caches
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                if response.status_code != 200:
                    self.stdout.write(f"{path}: HTTP {response.status_code}, skipped")
                    continue
                size = len(response.content) / 1024
                # The first request of a worker reads what it then keeps (a province's
                # consolidation): shown apart, then every worker warmed at once.
                cold = self._timed(path, cookie)
                with ThreadPoolExecutor(CLIENTS) as pool:
                    list(pool.map(self._timed, [path] * CLIENTS, [cookie] * CLIENTS))
                one = [self._timed(path, cookie) for _ in range(repeat)]
                with ThreadPoolExecutor(CLIENTS) as pool:
                    many = list(pool.map(self._timed, [path] * CLIENTS * 2, [cookie] * CLIENTS * 2))
                who = "office" if user == office.user else "officer"
                label = path.replace(commune, "<xã>").replace(f"?period={period}", "")
                self.stdout.write(
                    f"{who + ' ' + label:58} {province.communes.count():>8} "
                    f"{statistics.median(one):>9.0f} /{_percentile(one, 0.95):>6.0f}    "
                    f"{statistics.median(many):>10.0f} /{_percentile(many, 0.95):>6.0f}    "
                    f"{cold:>8.0f} {size:>7.0f} {len(queries):>7}"
                )

    # ---- reminders

    def _deadline(self, period: str) -> date | None:
        """The last day of the period's reports: the day its reminders go out."""
        deadline = (
            ReportingPeriod.objects.filter(code=period, commune__code__startswith=DEMO_CODE_PREFIX)
            .values_list("deadline", flat=True)
            .first()
        )
        return timezone.localtime(deadline).date() if deadline else None

    def _reminders(self, today, first: int | None):
        started_at = timezone.now()
        communes = list(Commune.objects.order_by("pk").values_list("pk", flat=True)[:first])
        self.stdout.write(f"\nReminder run for {today} over {len(communes)} communes")
        for label, dry in (("dry run", True), ("real run", False), ("same-day rerun", False)):
            # Timed without tracemalloc (it doubles the time of this Python-heavy work); the
            # dry run is run again under it for the memory that choosing takes.
            started = time.perf_counter()
            result = reminders_send(on=today, commune_ids=communes, dry_run=dry)
            seconds = time.perf_counter() - started
            memory = ""
            if dry:
                tracemalloc.start()
                reminders_send(on=today, commune_ids=communes, dry_run=True)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                memory = f", peak Python memory {peak / 2**20:4.0f} MB"
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            self.stdout.write(
                f"  {label:15} {len(result.due):>7} due, {len(result.inserted):>7} recorded and "
                f"queued: {seconds:6.1f} s{memory}, process peak {rss:4.0f} MB"
            )
        # The benchmark's reminders are not kept (their queued messages: flush the Redis db).
        Notification.objects.filter(kind="deadline_reminder", created_at__gte=started_at).delete()
        Reminder.objects.filter(run_date=today).delete()

    # ---- the province report

    def _reports(self, provinces, period):
        # Peak resident memory of this process so far (tracemalloc would slow WeasyPrint 3×).
        self.stdout.write("\nProvince report (smallest province first: the peak memory grows)")
        for province in reversed(provinces):
            for fmt in (ReportFormat.XLSX, ReportFormat.PDF):
                started = time.perf_counter()
                content = province_report_file(province, period, fmt)
                seconds = time.perf_counter() - started
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                self.stdout.write(
                    f"  {province.name:20} {province.communes.count():>4} communes "
                    f"{fmt.upper():4} {seconds:6.1f} s, process peak memory {peak:5.0f} MB,"
                    f" {len(content) / 1024:,.0f} KB"
                )
