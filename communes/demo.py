"""The one rule for demo data: asked for explicitly, on a database that holds only the seeds.

Demo accounts share a published password and demo figures are invented, so both are refused
unless the operator says `--demo` (settings.DEMO_DATA_ALLOWED, on only with DEBUG, must also
allow it) and the database holds no commune but the seed communes of `fixtures/seeds/`. A real
installation therefore never receives them, whatever command is typed by mistake.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from communes.models import Commune

SEEDS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
# The communes of the national demo data set (`manage.py demo_national`): demo data too.
DEMO_CODE_PREFIX = "demo-"


def seed_commune_codes() -> set[str]:
    return {
        tomllib.loads(path.read_text(encoding="utf-8"))["commune"]["code"]
        for path in SEEDS_DIR.glob("*/commune.toml")
    }


def demo_data_guard(*, demo: bool, what: str, beside_real_communes: bool = False) -> None:
    """Raise ImproperlyConfigured naming why `what` (demo accounts, demo figures) is refused.
    `beside_real_communes`: the operator asked for it on a database with real communes too."""
    if not demo:
        raise ImproperlyConfigured(f"{what} are created only when asked for explicitly (--demo).")
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured(
            f"{what} are for local use only: they are refused when DEBUG is off."
        )
    others = Commune.objects.exclude(code__in=seed_commune_codes()).exclude(
        code__startswith=DEMO_CODE_PREFIX
    )
    if not beside_real_communes and others.exists():
        names = ", ".join(others.order_by("name").values_list("name", flat=True)[:5])
        raise ImproperlyConfigured(
            f"{what} are refused: this database holds communes other than the seed communes "
            f"({names}), so it is not a demo database."
        )
