"""A figure from one unit's value is what the general rule gives for a single row."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from indicators.models import MeasureKind
from reporting.selectors import _figure_from_value, _figure_from_values, _ValueRow

amounts = st.none() | st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False)


@given(
    kind=st.sampled_from(MeasureKind.values),
    row=st.builds(
        _ValueRow,
        unit_id=st.integers(1, 5),
        value=amounts,
        numerator=amounts,
        denominator=amounts,
        is_done=st.none() | st.booleans(),
        text=st.text(max_size=5),
    ),
    lead=st.booleans(),
)
def test_one_units_figure_is_the_general_rules(kind, row, lead):
    leads = {row.unit_id} if lead else {99}
    assert _figure_from_value(kind, row) == _figure_from_values(kind, leads, [row])


def test_one_units_ratio_keeps_its_a_and_b():
    row = _ValueRow(1, None, Decimal(7), Decimal(8), None, "")
    figure = _figure_from_value(MeasureKind.PERCENT, row)
    assert (figure.value, figure.numerator, figure.denominator, figure.units) == (
        Decimal("87.5"),
        Decimal(7),
        Decimal(8),
        1,
    )
