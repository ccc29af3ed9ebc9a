"""A province officer creates the province's new communes, one by one or from the Excel list.

Each gets its standing office (Phòng Văn hóa - Xã hội) and an invitation mailed after commit;
a list with a wrong row creates nothing and says which rows are wrong.
"""

from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import User
from accounts.services import invitation_accept_with_new_account
from communes.audit import audit_trail_for
from communes.excel import SHEET_TITLE, commune_template_workbook
from communes.models import (
    AuditAction,
    AuditEntry,
    Commune,
    Invitation,
    Membership,
    Province,
    Role,
    Unit,
    UnitKind,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THANH_HOA = "38"


def province_url(code=THANH_HOA):
    return reverse("communes:province", args=[code])


def import_url(code=THANH_HOA):
    return reverse("communes:commune_import", args=[code])


def template_url(code=THANH_HOA):
    return reverse("communes:commune_template", args=[code])


def form_data(**changes):
    data = {
        "name": "Quảng Phú",
        "kind": "xã",
        "code": "",
        "office_email": "VHXH.QuangPhu@Example.vn",
        "office_name": "Lê Thị Hoa",
    }
    return {**data, **changes}


def filled_list(rows, *, name="danh-sach.xlsx", province=None) -> SimpleUploadedFile:
    """The portal's own template with these rows written from row 2."""
    province = province or Province.objects.get(code=THANH_HOA)
    workbook = load_workbook(BytesIO(commune_template_workbook(province)))
    sheet = workbook[SHEET_TITLE]
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    stream = BytesIO()
    workbook.save(stream)
    return SimpleUploadedFile(name, stream.getvalue())


VALID_ROWS = [
    ("Quảng Phú", "xã", "16108", "vhxh.quangphu@example.vn", "Lê Thị Hoa"),
    ("Phường Hạc Thành", "phường", None, "vhxh.hacthanh@example.vn", None),
    ("Hòn Mê", "đặc khu", None, "vhxh.honme@example.vn", "Trần Văn Nam"),
]


def new_communes():
    return Commune.objects.exclude(code__in=["dien-quang", "an-nong", "truong-giang"])


# --- One commune through the form ---------------------------------------------------------


def test_the_province_page_offers_the_form_and_the_excel_list_to_its_officer(client, people):
    client.force_login(people["thanh_hoa"])
    html = client.get(province_url()).content.decode()
    assert "Thêm xã" in html and "Tải mẫu Excel" in html and "Nhập từ Excel" in html
    assert 'data-testid="commune-form"' in html
    assert "E-mail của cơ quan thường trực (Phòng Văn hóa - Xã hội)" in html


def test_an_officer_creates_a_commune_with_its_office_and_invitation(
    client, people, django_capture_on_commit_callbacks
):
    officer = people["thanh_hoa"]
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(province_url(), form_data(name="Xã Quảng Phú"))
    commune = Commune.objects.get(name="Quảng Phú")
    assert response.status_code == 302
    assert response["Location"] == f"{province_url()}#commune-quang-phu"
    assert (commune.code, commune.kind, commune.province.code) == ("quang-phu", "xã", THANH_HOA)

    office = commune.units.get()
    assert (office.kind, office.short_name, office.name) == (
        UnitKind.STANDING_OFFICE,
        "Phòng VH-XH",
        "Phòng Văn hóa - Xã hội",
    )
    # The office is invited: no account exists until the person accepts the invitation.
    invitation = Invitation.objects.get(commune=commune)
    assert invitation.role == Role.STANDING_OFFICE
    assert (invitation.email, invitation.full_name) == ("vhxh.quangphu@example.vn", "Lê Thị Hoa")
    assert not Membership.objects.filter(commune=commune).exists()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["vhxh.quangphu@example.vn"]
    assert "/invitations/" in mail.outbox[0].body
    assert "mời tham gia" in mail.outbox[0].body and "Xã Quảng Phú" in mail.outbox[0].body

    assert set(audit_trail_for(commune).values_list("action", "actor", "reason")) == {
        (AuditAction.CREATE, officer.pk, "Do tỉnh tạo.")
    }
    assert audit_trail_for(office).get().action == AuditAction.CREATE
    assert AuditEntry.objects.filter(commune=commune, action=AuditAction.INVITE).count() == 1

    page = client.get(response["Location"]).content.decode()
    assert "Đã tạo Xã Quảng Phú (mã quang-phu) cùng Phòng Văn hóa - Xã hội" in page
    assert "vhxh.quangphu@example.vn" in page
    assert '<tr id="commune-quang-phu">' in page


def test_the_invitation_leaves_only_after_commit(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["thanh_hoa"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(province_url(), form_data())
        assert Commune.objects.filter(name="Quảng Phú").exists()
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["vhxh.quangphu@example.vn"]]


def test_a_name_the_province_already_has_is_refused_and_what_was_typed_stays(client, people):
    client.force_login(people["thanh_hoa"])
    response = client.post(province_url(), form_data(name="điền quang"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tỉnh đã có xã Điền Quang (mã dien-quang)." in html
    assert 'value="VHXH.QuangPhu@Example.vn"' in html
    assert not new_communes().exists() and mail.outbox == []


def test_a_name_of_another_province_is_allowed_and_gets_a_code_of_its_own(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["thanh_hoa"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(province_url(), form_data(name="Trường Giang"))
    commune = Commune.objects.get(name="Trường Giang", province__code=THANH_HOA)
    assert commune.code == "truong-giang-thanh-hoa"


@pytest.mark.parametrize(
    "changes,field_error",
    [
        ({"code": "dien-quang"}, "Mã dien-quang đã là mã của một xã khác."),
        ({"code": "Mã 16108"}, "Mã «mã 16108» chỉ được gồm chữ không dấu, chữ số"),
        (
            {"name": "Phường Quảng Phú", "kind": "xã"},
            "Tên bắt đầu bằng «Phường» nhưng loại là «xã».",
        ),
        ({"office_email": "vhxh@"}, "E-mail «vhxh@» không phải là địa chỉ hợp lệ."),
        ({"name": "  "}, "Trường này là bắt buộc."),
    ],
)
def test_a_wrong_field_is_refused_with_a_vietnamese_reason(client, people, changes, field_error):
    client.force_login(people["thanh_hoa"])
    response = client.post(province_url(), form_data(**changes))
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not new_communes().exists()


def test_an_official_code_is_kept(client, people, django_capture_on_commit_callbacks):
    client.force_login(people["thanh_hoa"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(province_url(), form_data(code=" 16108 ", kind="phường"))
    assert Commune.objects.get(code="16108").kind == "phường"


def test_an_administrator_creates_communes_too(client, seeds, django_capture_on_commit_callbacks):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(province_url(), form_data())
    assert Commune.objects.filter(name="Quảng Phú").exists() and len(mail.outbox) == 1


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["standing_office", "leader", "kinh_te", "other_commune_office"])
def test_commune_roles_find_no_province_page(client, people, who):
    client.force_login(people[who])
    assert client.get(province_url()).status_code == 404
    assert client.post(province_url(), form_data()).status_code == 404
    assert client.get(template_url()).status_code == 404
    upload = filled_list(VALID_ROWS)
    assert client.post(import_url(), {"file": upload}).status_code == 404
    assert not new_communes().exists() and mail.outbox == []


def test_another_provinces_officer_gets_404_for_all_of_it(client, people):
    client.force_login(people["quang_ngai"])
    assert client.get(province_url()).status_code == 404  # Thanh Hóa's list of communes
    assert client.post(province_url(), form_data()).status_code == 404
    assert client.get(template_url()).status_code == 404
    assert client.get(import_url()).status_code == 404
    assert client.post(import_url(), {"file": filled_list(VALID_ROWS)}).status_code == 404
    assert not new_communes().exists()
    # Its own province answers, and does not list Thanh Hóa's communes.
    own = client.get(province_url("51")).content.decode()
    table = own.split('data-testid="commune-table"')[1].split("</table>")[0]
    assert "Trường Giang" in table and "Điền Quang" not in table


def test_a_visitor_is_sent_to_log_in(client, seeds):
    for url in (province_url(), template_url(), import_url()):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- The Excel list -------------------------------------------------------------------------------


def test_the_template_has_a_header_row_and_a_kind_list(client, people):
    client.force_login(people["thanh_hoa"])
    response = client.get(template_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "mau-danh-sach-xa-thanh-hoa.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Danh sách xã", "Hướng dẫn"]
    sheet = workbook["Danh sách xã"]
    assert [cell.value for cell in sheet[1]] == [
        "Tên xã, phường, đặc khu",
        "Loại",
        "Mã đơn vị hành chính (nếu có)",
        "E-mail Phòng Văn hóa - Xã hội",
        "Người nhận thư mời (nếu biết)",
    ]
    assert sheet.max_row == 1 or all(
        cell.value is None for row in sheet.iter_rows(min_row=2) for cell in row
    )
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"xã,phường,đặc khu"'
    assert str(validation.sqref) == "B2:B501"
    assert "Thanh Hóa" in workbook["Hướng dẫn"]["A1"].value


def test_a_valid_list_creates_every_commune_and_invites_every_office(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["thanh_hoa"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(import_url(), {"file": filled_list(VALID_ROWS)})
    assert response.status_code == 302 and response["Location"] == province_url()
    created = {c.name: (c.kind, c.code) for c in new_communes()}
    assert created == {
        "Quảng Phú": ("xã", "16108"),
        "Hạc Thành": ("phường", "hac-thanh"),
        "Hòn Mê": ("đặc khu", "hon-me"),
    }
    assert (
        Unit.objects.filter(commune__in=new_communes(), kind=UnitKind.STANDING_OFFICE).count() == 3
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "vhxh.hacthanh@example.vn",
        "vhxh.honme@example.vn",
        "vhxh.quangphu@example.vn",
    ]
    hon_me = Commune.objects.get(name="Hòn Mê")
    assert audit_trail_for(hon_me).get().reason == "Nhập từ danh sách Excel danh-sach.xlsx, dòng 4."
    page = client.get(province_url()).content.decode()
    assert "Đã tạo 3 xã" in page and "Đặc khu Hòn Mê" in page


def test_errors_in_rows_3_and_5_create_nothing_and_are_both_listed(client, people):
    rows = [
        ("Quảng Phú", "xã", None, "vhxh.quangphu@example.vn", None),
        ("Hạc Thành", "phường", None, "vhxh.hacthanh@", None),  # row 3
        ("Hòn Mê", "đặc khu", None, "vhxh.honme@example.vn", None),
        ("Đông Sơn", "huyện", None, "vhxh.dongson@example.vn", None),  # row 5
    ]
    users_before = User.objects.count()
    client.force_login(people["thanh_hoa"])
    response = client.post(import_url(), {"file": filled_list(rows)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa tạo xã nào: «danh-sach.xlsx» có 2 lỗi." in html
    assert "Dòng 3: e-mail «vhxh.hacthanh@» không phải là địa chỉ hợp lệ." in html
    assert "Dòng 5: loại «huyện» không phải là xã, phường hoặc đặc khu." in html
    assert "Dòng 2" not in html and "Dòng 4" not in html
    assert not new_communes().exists()
    assert not Unit.objects.filter(
        commune__province__code=THANH_HOA, commune__in=new_communes()
    ).exists()
    assert User.objects.count() == users_before and mail.outbox == []


def test_a_commune_twice_in_the_list_is_an_error_of_the_later_row(client, people):
    rows = [
        ("Quảng Phú", "xã", None, "vhxh.quangphu@example.vn", None),
        ("Hòn Mê", "đặc khu", "16200", "vhxh.honme@example.vn", None),
        ("Xã quảng phú", "xã", None, "khac@example.vn", None),
        ("Hạc Thành", "phường", "16200", "vhxh.honme@example.vn", None),
    ]
    client.force_login(people["thanh_hoa"])
    html = client.post(import_url(), {"file": filled_list(rows)}).content.decode()
    assert "Dòng 4: tên quảng phú có hai lần trong danh sách (trùng với dòng 2)." in html
    assert "Dòng 5: mã 16200 có hai lần trong danh sách (trùng với dòng 3)." in html
    assert "Dòng 5: e-mail vhxh.honme@example.vn được ghi cho hai xã (trùng với dòng 3)." in html
    assert not new_communes().exists()


def test_a_commune_the_province_already_has_is_an_error_by_row(client, people):
    rows = [
        ("Quảng Phú", "xã", None, "vhxh.quangphu@example.vn", None),
        ("Xã Điền Quang", "xã", None, "vhxh.dq2@example.vn", None),
        ("Hòn Mê", "đặc khu", "an-nong", "vhxh.honme@example.vn", None),
    ]
    client.force_login(people["thanh_hoa"])
    html = client.post(import_url(), {"file": filled_list(rows)}).content.decode()
    assert "Dòng 3: tỉnh đã có xã Điền Quang (mã dien-quang)." in html
    assert "Dòng 4: mã an-nong đã là mã của một xã khác." in html
    assert not new_communes().exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        (
            "danh-sach.csv",
            "Tên xã,Loại\nQuảng Phú,xã\n".encode(),
            "«danh-sach.csv» không phải là tệp Excel (.xlsx): hãy dùng mẫu Excel của cổng. "
            "Hãy mở tệp bằng Excel và lưu lại dưới dạng .xlsx.",
        ),
        (
            "ke-hoach.docx",
            b"PK\x03\x04 not a workbook",
            "«ke-hoach.docx» không phải là tệp Excel (.xlsx)",
        ),
        (
            "hong.xlsx",
            b"\xd0\xcf\x11\xe0 an encrypted or damaged file",
            "Không đọc được «hong.xlsx» như một tệp Excel: tệp bị hỏng, có đặt mật khẩu",
        ),
    ],
)
def test_a_file_that_is_not_the_excel_list_is_refused(client, people, name, content, message):
    client.force_login(people["thanh_hoa"])
    response = client.post(import_url(), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not new_communes().exists()


def test_a_file_of_20_mb_is_refused_before_it_is_read(client, people):
    client.force_login(people["thanh_hoa"])
    upload = SimpleUploadedFile("lon.xlsx", b"PK" + b"\0" * (20 * 1024 * 1024))
    html = client.post(import_url(), {"file": upload}).content.decode()
    assert "«lon.xlsx» lớn hơn 5 MB; một danh sách xã nhỏ hơn thế rất nhiều." in html
    assert "Chưa tạo xã nào." in html and not new_communes().exists()


def test_a_workbook_without_the_header_or_without_rows_is_refused(client, people):
    client.force_login(people["thanh_hoa"])
    workbook = Workbook()
    workbook.active.append(["Họ và tên", "Ngày sinh"])
    workbook.active.append(["Nguyễn Văn A", "01/01/1990"])
    stream = BytesIO()
    workbook.save(stream)
    html = client.post(
        import_url(), {"file": SimpleUploadedFile("khac.xlsx", stream.getvalue())}
    ).content.decode()
    assert "Không thấy dòng tiêu đề có cột «Tên xã, phường, đặc khu»" in html

    html = client.post(import_url(), {"file": filled_list([])}).content.decode()
    assert "Trang «Danh sách xã» không có xã nào dưới dòng tiêu đề." in html
    assert not new_communes().exists()


def test_moved_columns_a_title_row_and_numeric_codes_still_read(
    client, people, django_capture_on_commit_callbacks
):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH XÃ MỚI CỦA TỈNH THANH HÓA"])
    sheet.append(["E-mail Phòng Văn hóa - Xã hội", "Tên xã", "Mã", "Loại"])
    sheet.append(["vhxh.quangphu@example.vn", "Quảng Phú", 16108, "Xã"])
    sheet.append([None, None, None, None])
    sheet.append(["vhxh.hacthanh@example.vn", "Hạc Thành", 16109.0, "Phuong"])
    stream = BytesIO()
    workbook.save(stream)
    client.force_login(people["thanh_hoa"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            import_url(), {"file": SimpleUploadedFile("tu-lam.xlsx", stream.getvalue())}
        )
    assert response.status_code == 302
    assert dict(new_communes().values_list("code", "kind")) == {"16108": "xã", "16109": "phường"}
    assert len(mail.outbox) == 2


def test_the_import_page_explains_the_steps(client, people):
    client.force_login(people["thanh_hoa"])
    html = client.get(import_url()).content.decode()
    assert "Nhập danh sách xã từ Excel" in html
    assert template_url() in html


def test_a_new_commune_opens_everywhere_the_province_reads_it(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["thanh_hoa"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(province_url(), form_data())
    for url in (
        reverse("plans:commune", args=["quang-phu"]),
        reverse("dashboards:commune", args=["quang-phu"]),
        reverse("dashboards:province", args=[THANH_HOA]),
        reverse("reports:province_report", args=[THANH_HOA]),
    ):
        assert client.get(url).status_code == 200, url
    # And its standing office, once it has followed the invitation, finds its commune to manage.
    office = invitation_accept_with_new_account(
        invitation=Invitation.objects.get(commune__code="quang-phu"), password="Mat-khau-2026!"
    )
    client.force_login(office)
    assert client.get("/")["Location"] == reverse("todo:commune", args=["quang-phu"])
    for url in (
        reverse("communes:units", args=["quang-phu"]),
        reverse("accounts:staff", args=["quang-phu"]),
        reverse("reporting:plan_create", args=["quang-phu"]),
        reverse("reporting:periods", args=["quang-phu"]),
        reverse("reporting:schedule", args=["quang-phu"]),
    ):
        assert client.get(url).status_code == 200, url


def test_a_failure_while_writing_the_third_commune_keeps_none_of_the_list(
    client, people, monkeypatch, django_capture_on_commit_callbacks
):
    """All or nothing holds past the checks: a clash in the database undoes the whole list."""
    from django.db import IntegrityError

    from communes import services

    real_invite, calls = services.staff_invite, []

    def invite_failing_third(**kwargs):
        calls.append(kwargs["email"])
        if len(calls) == 3:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real_invite(**kwargs)

    monkeypatch.setattr(services, "staff_invite", invite_failing_third)
    client.force_login(people["thanh_hoa"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(import_url(), {"file": filled_list(VALID_ROWS)})
    assert len(calls) == 3
    html = response.content.decode()
    assert "Trong lúc đó, một xã của danh sách đã được người khác tạo; chưa có gì được lưu." in html
    assert not new_communes().exists()
    assert not Membership.objects.filter(user__email__in=calls).exists()
    assert mail.outbox == []
