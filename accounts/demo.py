"""Demo accounts for local use: every role in every seed commune, one officer per province.

All share one documented password, so they are refused unless asked for with --demo on a
database that holds only the seed communes (communes.demo.demo_data_guard).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from communes.demo import demo_data_guard
from communes.models import Commune, Membership, Province, Role, Unit, UnitKind
from communes.slugs import slug_vi

DEMO_PASSWORD = "demo-57NQ-2025"
# The demo officers' and administrator's authenticator key (their role needs a second factor):
# documented like the password, for local use only. `manage.py demo_otp_code LOGIN` prints the
# current code for those without an authenticator app at hand.
DEMO_TOTP_KEY = (
    "44454d4f2d35374e512d323032352d78612d3537"  # hex of "DEMO-57NQ-2025-xa-57" (20 bytes)
)
# Units whose staff report figures; the committee and outside organisations do not log in.
REPORTING_KINDS = {
    UnitKind.STANDING_OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.POLICE,
    UnitKind.HEALTH_STATION,
    UnitKind.PUBLIC_SERVICE_CENTRE,
    UnitKind.SCHOOL,
    UnitKind.VILLAGE,
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    description: str


def _account(username: str, full_name: str, memberships: list[dict]) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "email": f"{username}@example.invalid"}
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    for membership in memberships:
        Membership.objects.get_or_create(user=user, **membership)
    if any(
        m["role"] in (Role.PROVINCE_OFFICER, Role.ADMINISTRATOR)
        or (m["role"] == Role.INSPECTOR and "province" in m)
        for m in memberships
    ):
        TOTPDevice.objects.update_or_create(
            user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
        )
    return user


@transaction.atomic
def demo_accounts_create(*, demo: bool) -> list[DemoAccount]:
    demo_data_guard(demo=demo, what="Demo accounts")
    accounts: list[DemoAccount] = []
    admin = _account("admin", "Quản trị hệ thống", [{"role": Role.ADMINISTRATOR}])
    admin.is_staff = admin.is_superuser = True
    admin.save()
    accounts.append(DemoAccount("admin", "administrator (Django admin)"))
    for province in Province.objects.order_by("name"):
        username = f"{slug_vi(province.name)}.so-khcn"
        _account(
            username,
            f"Cán bộ Sở KH&CN {province.name}",
            [{"role": Role.PROVINCE_OFFICER, "province": province}],
        )
        accounts.append(DemoAccount(username, f"province officer, {province.name}"))
        username = f"{slug_vi(province.name)}.ubkt"
        _account(
            username,
            f"Ủy ban Kiểm tra Tỉnh ủy {province.name}",
            [{"role": Role.INSPECTOR, "province": province}],
        )
        accounts.append(DemoAccount(username, f"inspector (read only), {province.name}"))
    for commune in Commune.objects.select_related("province").order_by("name"):
        prefix = commune.code
        units = Unit.objects.filter(commune=commune, kind__in=REPORTING_KINDS).order_by("order")
        standing_office = next(
            (unit for unit in units if unit.kind == UnitKind.STANDING_OFFICE), None
        )
        reviewer_memberships = [{"role": Role.STANDING_OFFICE, "commune": commune}]
        if standing_office:
            # The standing office also reports for what Phòng VH-XH itself leads: one person, two roles.
            reviewer_memberships.append(
                {"role": Role.UNIT_STAFF, "commune": commune, "unit": standing_office}
            )
        _account(f"{prefix}.vhxh", f"Phòng VH-XH xã {commune.name}", reviewer_memberships)
        accounts.append(DemoAccount(f"{prefix}.vhxh", f"standing office (Phòng VH-XH), {commune}"))
        _account(
            f"{prefix}.lanh-dao",
            f"Chủ tịch UBND xã {commune.name}",
            [{"role": Role.COMMUNE_LEADER, "commune": commune}],
        )
        accounts.append(DemoAccount(f"{prefix}.lanh-dao", f"commune leader, {commune}"))
        _account(
            f"{prefix}.hdnd",
            f"Hội đồng nhân dân xã {commune.name}",
            [{"role": Role.INSPECTOR, "commune": commune}],
        )
        accounts.append(DemoAccount(f"{prefix}.hdnd", f"inspector (read only), {commune}"))
        for unit in units:
            if unit == standing_office:
                continue
            username = f"{prefix}.{slug_vi(unit.short_name)}"[:150]
            _account(
                username,
                f"Cán bộ {unit.short_name}",
                [{"role": Role.UNIT_STAFF, "commune": commune, "unit": unit}],
            )
            accounts.append(DemoAccount(username, f"unit staff, {unit.short_name}, {commune}"))
    return accounts
