import pytest

from accounts.models import Membership, Role
from communes.models import Commune, Unit
from plans.seeds import seed_folder_load, seed_folders
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Tests read the UI the way its users do: in Vietnamese, the default language."""
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture
def seeds(db):
    """The three real seed communes, loaded from fixtures/seeds/."""
    return {result.commune.code: result for result in map(seed_folder_load, seed_folders())}


def person(role: str, *, commune: Commune | None = None, unit: Unit | None = None, province=None):
    user = UserFactory()
    Membership.objects.create(
        user=user,
        role=role,
        commune=commune if role != Role.PROVINCE_OFFICER else None,
        unit=unit,
        province=province,
    )
    return user


@pytest.fixture
def people(seeds):
    """One person per role in Điền Quang, plus the two province officers and staff of another commune."""
    dien_quang = Commune.objects.get(code="dien-quang")
    truong_giang = Commune.objects.get(code="truong-giang")
    return {
        "standing_office": person(Role.STANDING_OFFICE, commune=dien_quang),
        "leader": person(Role.COMMUNE_LEADER, commune=dien_quang),
        "kinh_te": person(Role.UNIT_STAFF, commune=dien_quang, unit=dien_quang.units.get(short_name="Phòng Kinh tế")),
        "cong_an": person(Role.UNIT_STAFF, commune=dien_quang, unit=dien_quang.units.get(short_name="Công an xã")),
        "thanh_hoa": person(Role.PROVINCE_OFFICER, province=dien_quang.province),
        "quang_ngai": person(Role.PROVINCE_OFFICER, province=truong_giang.province),
        "other_commune_office": person(Role.STANDING_OFFICE, commune=truong_giang),
    }
