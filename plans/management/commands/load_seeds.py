from django.core.management.base import BaseCommand

from plans.seeds import seeds_load_all


class Command(BaseCommand):
    help = (
        "Load (or update) the seed communes of fixtures/seeds/ and the provinces' indicator "
        "catalogues of fixtures/provinces/."
    )

    def handle(self, *args, **options):
        communes, catalogues = seeds_load_all()
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
