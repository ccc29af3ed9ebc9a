"""The follow-up resources of the API: tracked proposals (list, detail, filters; recording,
answering and closing for the roles that may) and the verification of figures (each figure's
check, the share per period of a commune and of each commune of a province). Another tenant
answers 404, inspectors and read-only tokens only read, query counts stay flat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import TokenScope
from communes.models import Role
from reporting.models import Proposal, ProposalAddressee, ProposalStatus, SubmissionStatus
from reporting.proposals import proposal_create
from reporting.verification import figure_question, figure_verify
from tests.api.conftest import assert_flat_query_count, client_with_session, client_with_token
from tests.conftest import person
from tests.reporting.test_verification import _report

pytestmark = pytest.mark.django_db

BASE = "/api/v1/communes/dien-quang/"
TEXT = "Đề nghị UBND xã bố trí kinh phí mua máy quét tài liệu cho bộ phận một cửa."


def _proposal(commune, office, *, addressee=ProposalAddressee.COMMUNE_LEADERSHIP, submission=None):
    from reporting.services import period_ensure

    return proposal_create(
        actor=office,
        commune=commune,
        period=submission.period if submission else period_ensure(commune, "2025"),
        submission=submission,
        text=TEXT,
        addressee=addressee,
        due_date=timezone.localdate() + timedelta(days=10),
    )


@pytest.fixture
def proposals(people, seeds):
    commune = seeds["dien-quang"]
    office = people["standing_office"]
    return {
        "leadership": _proposal(commune, office),
        "province": _proposal(commune, office, addressee=ProposalAddressee.PROVINCE),
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_members_read_every_proposal_the_province_only_its_own(people, inspectors, proposals):
    leadership, province = proposals["leadership"].pk, proposals["province"].pk
    leader = client_with_token(people["leader"])
    assert sorted(_ids(leader.get(BASE + "proposals/"))) == sorted([leadership, province])
    assert _ids(leader.get(BASE + "proposals/", {"addressee": "province"})) == [province]
    assert _ids(leader.get(BASE + "proposals/", {"status": "answered"})) == []
    row = leader.get(BASE + f"proposals/{leadership}/").json()
    assert row["text"] == TEXT and row["status"] == "open" and row["is_overdue"] is False
    assert (row["addressee_label"], row["origin"]) == ("Lãnh đạo UBND xã", "UBND xã")
    assert row["unit"] is None and row["commune"] == "dien-quang"
    # The province's officer reads what is addressed to the province, nothing else.
    officer = client_with_token(people["thanh_hoa"])
    assert _ids(officer.get(BASE + "proposals/")) == [province]
    assert officer.get(BASE + f"proposals/{leadership}/").status_code == 404
    # The commune's inspector reads them all.
    inspector = client_with_session(inspectors["inspector"])
    assert len(_ids(inspector.get(BASE + "proposals/"))) == 2


def test_another_tenant_gets_404_everywhere(people, proposals):
    pk = proposals["province"].pk
    for who in ("other_commune_office", "quang_ngai"):
        client = client_with_session(people[who])
        for url in (
            BASE + "proposals/",
            BASE + f"proposals/{pk}/",
            BASE + "verification/?period=2025",
            BASE + "figure-checks/?period=2025",
        ):
            assert client.get(url).status_code == 404, (who, url)
        for url, body in (
            (BASE + "proposals/", {"text": "x", "addressee": "province", "due_date": "2030-01-01"}),
            (BASE + f"proposals/{pk}/answer/", {"answer": "x"}),
            (BASE + f"proposals/{pk}/close/", {"reason": "x"}),
        ):
            assert client.post(url, body, format="json").status_code == 404, (who, url)
    other = client_with_session(people["quang_ngai"])
    assert other.get("/api/v1/provinces/38/verification/?period=2025").status_code == 404


def test_the_office_records_and_closes_the_addressee_answers(people, proposals, seeds):
    office = client_with_session(people["standing_office"])
    due = (timezone.localdate() + timedelta(days=15)).isoformat()
    unit = seeds["dien-quang"].units.get(short_name="Phòng Kinh tế")
    created = office.post(
        BASE + "proposals/",
        {
            "period": "2025",
            "unit": unit.pk,
            "text": TEXT,
            "addressee": "commune_leadership",
            "due_date": due,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["unit"]["short_name"], row["period"], row["due_date"]) == (
        "Phòng Kinh tế",
        "2025",
        due,
    )
    pk = row["id"]
    # The wrong roles: the leader records nothing, the office answers nothing for the leaders.
    leader = client_with_session(people["leader"])
    body = {"period": "2025", "text": TEXT, "addressee": "province", "due_date": due}
    assert leader.post(BASE + "proposals/", body, format="json").status_code == 403
    assert (
        office.post(BASE + f"proposals/{pk}/answer/", {"answer": "x"}, format="json").status_code
        == 403
    )
    officer = client_with_session(people["thanh_hoa"])
    assert (
        officer.post(BASE + f"proposals/{pk}/answer/", {"answer": "x"}, format="json").status_code
        == 404
    )
    # Refusals of the service, in the API's error shape.
    refused = office.post(BASE + f"proposals/{pk}/close/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    past = office.post(BASE + "proposals/", {**body, "due_date": "2020-01-01"}, format="json")
    assert past.status_code == 400 and "due_date" in past.json()["error"]["fields"]
    # The addressee answers, once; the office closes.
    answered = leader.post(BASE + f"proposals/{pk}/answer/", {"answer": "Đồng ý."}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    again = leader.post(BASE + f"proposals/{pk}/answer/", {"answer": "Lần hai."}, format="json")
    assert again.status_code == 409
    assert leader.post(BASE + f"proposals/{pk}/close/", {}, format="json").status_code == 403
    closed = office.post(BASE + f"proposals/{pk}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert Proposal.objects.get(pk=pk).status == ProposalStatus.CLOSED


def test_a_proposal_from_a_unit_report_takes_its_period_and_unit(people, seeds):
    commune = seeds["dien-quang"]
    submission, _values = _report(
        commune,
        commune.units.get(short_name="Phòng Kinh tế"),
        figures=0,
        status=SubmissionStatus.SUBMITTED,
    )
    office = client_with_session(people["standing_office"])
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    created = office.post(
        BASE + "proposals/",
        {"submission": submission.pk, "text": TEXT, "addressee": "province", "due_date": due},
        format="json",
    )
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["submission"], row["period"], row["unit"]["id"]) == (
        submission.pk,
        submission.period.code,
        submission.unit_id,
    )


def test_read_only_tokens_and_inspectors_write_nothing(people, inspectors, proposals):
    pk = proposals["province"].pk
    body = {
        "period": "2025",
        "text": TEXT,
        "addressee": "province",
        "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    office_reader = client_with_token(people["standing_office"], TokenScope.READ)
    assert office_reader.post(BASE + "proposals/", body, format="json").status_code == 403
    assert (
        office_reader.post(
            BASE + f"proposals/{pk}/close/", {"reason": "x"}, format="json"
        ).status_code
        == 403
    )
    officer_reader = client_with_token(people["thanh_hoa"], TokenScope.READ)
    assert (
        officer_reader.post(
            BASE + f"proposals/{pk}/answer/", {"answer": "x"}, format="json"
        ).status_code
        == 403
    )
    for who in ("inspector", "inspector_thanh_hoa"):
        client = client_with_session(inspectors[who])
        assert client.get(BASE + f"proposals/{pk}/").status_code == 200
        assert (
            client.post(
                BASE + f"proposals/{pk}/answer/", {"answer": "x"}, format="json"
            ).status_code
            == 403
        )
    assert Proposal.objects.get(pk=pk).status == ProposalStatus.OPEN
    # The same officer with a read-and-write token answers.
    officer_writer = client_with_token(people["thanh_hoa"], TokenScope.READ_WRITE)
    answered = officer_writer.post(
        BASE + f"proposals/{pk}/answer/", {"answer": "Sở sẽ hỗ trợ."}, format="json"
    )
    assert answered.status_code == 200, answered.content


def test_the_proposal_list_costs_the_same_queries_for_one_or_many(people, seeds):
    commune = seeds["dien-quang"]
    for number in range(12):
        addressee = ProposalAddressee.values[number % 3]
        _proposal(commune, people["standing_office"], addressee=addressee)
    assert_flat_query_count(client_with_token(people["leader"]), BASE + "proposals/", large=12)


@pytest.fixture
def verified(people, seeds):
    commune = seeds["dien-quang"]
    office = people["standing_office"]
    vhxh = commune.units.get(short_name="Phòng VH-XH")
    _submission, values = _report(commune, vhxh, code="2025", figures=3)
    figure_verify(actor=office, value=values[0], note="Đối chiếu sổ theo dõi.")
    figure_question(actor=office, value=values[1], question="Số liệu lấy từ đâu?")
    people["vhxh"] = person(Role.UNIT_STAFF, commune=commune, unit=vhxh)
    return values


def test_the_verification_share_per_period_for_the_commune_and_the_province(people, verified):
    for who in ("leader", "thanh_hoa"):
        share = client_with_token(people[who]).get(BASE + "verification/", {"period": "2025"})
        assert share.status_code == 200, share.content
        assert {k: share.json()[k] for k in ("period", "approved", "verified", "percent")} == {
            "period": "2025",
            "approved": 3,
            "verified": 1,
            "percent": "33.3",
        }
    rows = client_with_token(people["thanh_hoa"]).get(
        "/api/v1/provinces/38/verification/", {"period": "2025"}
    )
    assert rows.status_code == 200, rows.content
    by_commune = {row["commune"]: row for row in rows.json()["results"]}
    assert by_commune["dien-quang"]["verified"] == 1 and by_commune["dien-quang"]["approved"] == 3
    assert by_commune["an-nong"]["approved"] == 0 and by_commune["an-nong"]["percent"] is None
    assert "truong-giang" not in by_commune  # another province
    empty = client_with_token(people["leader"]).get(BASE + "verification/", {"period": "2024"})
    assert empty.json()["approved"] == 0 and empty.json()["percent"] is None
    bad = client_with_token(people["leader"]).get(BASE + "verification/", {"period": "x"})
    assert bad.status_code == 400


def test_each_figure_check_for_the_commune_members(people, verified):
    office = client_with_token(people["standing_office"])
    rows = office.get(BASE + "figure-checks/", {"period": "2025"}).json()["results"]
    assert sorted(str(row["verification"]) for row in rows) == ["None", "questioned", "verified"]
    verified_only = office.get(BASE + "figure-checks/", {"period": "2025", "status": "verified"})
    assert _ids(verified_only) == [verified[0].pk]
    unchecked = office.get(BASE + "figure-checks/", {"period": "2025", "status": "unchecked"})
    assert _ids(unchecked) == [verified[2].pk]
    # The unit reads its own figures; another unit's staff none; the province 403 (internal work).
    assert (
        len(
            _ids(client_with_token(people["vhxh"]).get(BASE + "figure-checks/", {"period": "2025"}))
        )
        == 3
    )
    assert (
        _ids(client_with_token(people["kinh_te"]).get(BASE + "figure-checks/", {"period": "2025"}))
        == []
    )
    assert (
        client_with_token(people["thanh_hoa"])
        .get(BASE + "figure-checks/", {"period": "2025"})
        .status_code
        == 403
    )
    assert office.get(BASE + "figure-checks/").status_code == 400  # the period is required


def test_the_figure_checks_cost_the_same_queries_for_one_or_many(people, verified):
    assert_flat_query_count(
        client_with_token(people["standing_office"]),
        BASE + "figure-checks/",
        large=3,
        small=1,
        period="2025",
    )
