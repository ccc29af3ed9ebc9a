"""Printed lead and support cells → the commune's units, through names and aliases."""

import pytest

from communes.models import UnitAlias, UnitKind
from onboarding.text import name_key
from onboarding.units import UnitDirectory, unit_kind_guess
from tests.factories import CommuneFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    commune = CommuneFactory()
    for short_name, name in [
        ("Phòng VH-XH", "Phòng Văn hóa - Xã hội"),
        ("Phòng Kinh tế", "Phòng Kinh tế"),
        ("Trung tâm PVHCC", "Trung tâm phục vụ hành chính công"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Công an xã", "Công an xã"),
    ]:
        unit = UnitFactory(commune=commune, short_name=short_name, name=name)
    UnitAlias.objects.create(unit=unit, name="Công an")
    return UnitDirectory.for_commune(commune)


def _labels(names):
    return [(name.label, name.collective, name.unit_id is None) for name in names]


def test_spellings_one_unit_goes_by():
    assert name_key("Phòng Văn hoá – Xã hội") == name_key("PHÒNG VĂN HÓA-XÃ HỘI")
    assert name_key("Phòng  Văn hoá - Xã hội.") == name_key("phòng văn hóa - xã hội")
    assert name_key("Thuý") == name_key("Thúy") and name_key("hoà") == name_key("hòa")
    assert name_key("quá") != name_key("qúa")  # "qu" + vowel: the mark stays where it is


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Phòng Văn hoá – Xã hội", [("Phòng VH-XH", False, False)]),
        ("Công an", [("Công an xã", False, False)]),
        (
            "Phòng Văn hóa - Xã hội; Phòng Kinh tế",
            [("Phòng VH-XH", False, False), ("Phòng Kinh tế", False, False)],
        ),
        # Two names printed with no separator.
        (
            "Phòng Kinh tế Trung tâm phục vụ hành chính công",
            [("Phòng Kinh tế", False, False), ("Trung tâm PVHCC", False, False)],
        ),
        (
            "Các phòng: Văn hóa - Xã hội, Kinh tế",
            [("Phòng VH-XH", False, False), ("Phòng Kinh tế", False, False)],
        ),
        (
            "Phòng VH-XH và các Phòng, đơn vị liên quan",
            [("Phòng VH-XH", False, False), ("các Phòng, đơn vị liên quan", True, True)],
        ),
        ("Các cơ quan, đơn vị có liên quan", [("Các cơ quan, đơn vị có liên quan", True, True)]),
        ("Các phòng chuyên môn", [("Các phòng chuyên môn", True, True)]),
        (
            "- Các phòng, ban, ngành; - Sở KH&CN",
            [("Các phòng, ban, ngành", True, True), ("Sở KH&CN", False, False)],
        ),
        ("Ngân hàng Chính sách xã hội", [("Ngân hàng Chính sách xã hội", False, True)]),
        ("-", []),
    ],
)
def test_cells_resolve(directory, cell, expected):
    assert _labels(directory.resolve(cell)) == expected


def test_a_lead_working_with_another_unit_puts_it_among_the_supports(directory):
    lead, support = directory.assignments(
        "Phòng Văn hóa - Xã hội phối hợp Sở KH&CN", "Phòng Kinh tế"
    )
    assert lead.labels() == ["Phòng VH-XH"]
    assert support.labels() == ["Phòng Kinh tế", "Sở KH&CN"]
    assert lead.text == "Phòng Văn hóa - Xã hội phối hợp Sở KH&CN"


def test_a_new_communes_names_are_proposed_with_a_guessed_kind():
    directory = UnitDirectory.for_commune(None)
    names = directory.resolve("Phòng Kinh tế, Công an xã")
    assert [(name.printed, name.proposed_kind) for name in names] == [
        ("Phòng Kinh tế", UnitKind.DEPARTMENT),
        ("Công an xã", UnitKind.POLICE),
    ]
    assert directory.resolve("Phòng Kinh tế")[0] is names[0]  # one proposal per name


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Văn phòng HĐND&UBND", UnitKind.DEPARTMENT),
        ("UBND xã", UnitKind.COMMITTEE),
        ("Trạm Y tế", UnitKind.HEALTH_STATION),
        ("Trường Tiểu học Kim Đồng", UnitKind.SCHOOL),
        ("Thôn Đông", UnitKind.VILLAGE),
        ("Sở Khoa học và Công nghệ", UnitKind.EXTERNAL),
        ("Trung tâm Phục vụ hành chính công", UnitKind.PUBLIC_SERVICE_CENTRE),
    ],
)
def test_kind_guesses(name, kind):
    assert unit_kind_guess(name) == kind
