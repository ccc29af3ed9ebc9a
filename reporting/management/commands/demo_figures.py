from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from reporting.demo import demo_figures_create


class Command(BaseCommand):
    help = "Create labelled demo submissions for the seed communes' past periods (local use only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Required: say that this database is a demo holding only the seed communes.",
        )

    def handle(self, *args, **options):
        try:
            counts = demo_figures_create(demo=options["demo"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Demo figures: {counts['submissions']} unit reports created, {counts['missing']} left missing."
        )
