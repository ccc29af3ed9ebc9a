"""The outbox marks the rows it handed to the broker by ranges of ids when they come in runs, as
a daily run's do: the same rows as the list of ids would match."""

import pytest

from communes.models import Commune
from communes.outbox import _ids_q
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_ranges_match_the_same_rows_as_the_list():
    pks = sorted(CommuneFactory().pk for _ in range(12))
    for ids in (pks, pks[:5] + pks[7:], [pks[0], pks[3], pks[4], pks[11]], [pks[6]], pks * 2):
        condition = _ids_q(ids)
        assert set(Commune.objects.filter(condition)) == set(Commune.objects.filter(pk__in=ids))
    # One run of ids: one range, not a list of numbers.
    assert "range" in str(_ids_q(pks)) and str(pks[5]) not in str(_ids_q(pks))


def test_scattered_ids_are_a_list():
    scattered = list(range(1, 400, 3))  # 133 runs of one
    assert str(_ids_q(scattered)).count("range") == 0
    assert "pk__in" in str(_ids_q(scattered))
