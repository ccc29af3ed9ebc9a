from django.core.management.base import BaseCommand

from plans.seeds import SEEDS_DIR, seed_folder_load, seed_folders


class Command(BaseCommand):
    help = "Load (or update) the seed communes transcribed in fixtures/seeds/."

    def handle(self, *args, **options):
        for folder in seed_folders(SEEDS_DIR):
            result = seed_folder_load(folder)
            self.stdout.write(
                f"{result.commune} ({result.commune.province}): {len(result.plans)} plan(s), "
                f"{result.units} units, {result.indicators} indicators, {result.tasks} tasks"
            )
