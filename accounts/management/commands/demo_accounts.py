from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = "Create demo accounts for every role in every seed commune (local use only; refused when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Required: say that this database is a demo holding only the seed communes.",
        )

    def handle(self, *args, **options):
        try:
            accounts = demo_accounts_create(demo=options["demo"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<40} {account.description}")
        self.stdout.write(
            "Province officers and admin also need a second-factor code: "
            "`manage.py demo_otp_code <login>` prints the current one."
        )
