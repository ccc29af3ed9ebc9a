from django.core.management.base import BaseCommand, CommandError

from onboarding.seeds import SeedError, seeds_load_all


class Command(BaseCommand):
    help = (
        "Load (or update) the seed communes of fixtures/seeds/ and the provinces' indicator "
        "catalogues of fixtures/provinces/."
    )

    def handle(self, *args, **options):
        try:
            communes, catalogues = seeds_load_all()
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        for result in communes:
            self.stdout.write(
                f"{result.commune} ({result.commune.province}): {len(result.plans)} plan(s), "
                f"{result.units} units, {result.indicators} indicators, {result.tasks} tasks"
            )
        for catalogue in catalogues:
            self.stdout.write(
                f"{catalogue.province}: {catalogue.indicators} province indicators, "
                f"{catalogue.links} commune indicators linked"
            )
        for result in [*communes, *catalogues]:
            for note in result.notes:
                self.stdout.write(self.style.WARNING(f"note: {note}"))
