"""The task shapes real plans print (issue 14, item 4): heading tasks with sub-items, leads that
are a collective name, and deadlines conditional on an event ("Sau khi … được ban hành") that are
shown to the office and never due by themselves."""

from datetime import date

import pytest
from django.urls import reverse

from communes.models import Commune, Role
from plans.writers import plan_tasks_write
from reminders.models import ReminderSubject
from reminders.selectors import reminders_due
from reporting.results import TaskState, commune_results
from reporting.services import period_ensure
from tasks.deadlines import DeadlineKind
from tasks.models import Task
from tests.conftest import person
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

COLLECTIVE = "Các cơ quan, đơn vị có liên quan"


@pytest.fixture
def shapes_plan(seeds):
    commune = Commune.objects.get(code="dien-quang")
    plan = PlanFactory(commune=commune, key="kh-task-shapes", period_start=2025, period_end=2025)
    kinh_te = commune.units.get(short_name="Phòng Kinh tế")
    plan_tasks_write(
        plan=plan,
        sections=[{"numeral": "I", "title": "Hạ tầng số"}],
        tasks=[
            {"section": "I", "code": "1", "heading": True,
             "name": "Các hệ thống thông tin phục vụ chính quyền số:"},
            {"section": "I", "code": "1.1", "parent": "1", "name": "Hệ thống hội nghị trực tuyến",
             "lead": [kinh_te], "lead_text": "Phòng Kinh tế", "deadline": "Quý IV/2025"},
            {"section": "I", "code": "2", "name": "Ban hành Quy chế vận hành",
             "lead_text": COLLECTIVE, "deadline": "Sau khi Kế hoạch được ban hành"},
            {"section": "I", "code": "3", "heading": True, "name": "Nhóm việc chưa có nội dung con",
             "lead": [kinh_te], "deadline": "Tháng 7/2025"},
        ],
    )  # fmt: skip
    person(Role.UNIT_STAFF, commune=commune, unit=kinh_te)
    return plan


def test_the_writers_keep_the_structure_and_the_kinds(shapes_plan):
    tasks = {task.code: task for task in shapes_plan.tasks.select_related("parent")}
    assert tasks["1"].is_heading and tasks["1.1"].parent == tasks["1"]
    event = tasks["2"]
    assert (event.deadline_kind, event.deadline_flagged, event.due_date) == (
        DeadlineKind.EVENT,
        False,
        None,
    )
    assert event.deadline_event == "Kế hoạch được ban hành"
    assert (event.lead_text, list(event.lead_units.all())) == (COLLECTIVE, [])


def test_the_plan_page_shows_sub_items_under_their_heading_and_the_printed_lead(
    client, people, shapes_plan
):
    heading = shapes_plan.tasks.get(code="1")
    # A sub-item added later (a higher order) still shows under its heading.
    late = Task.objects.create(
        plan=shapes_plan,
        commune=shapes_plan.commune,
        section=heading.section,
        parent=heading,
        code="1.2",
        name="Nội dung con thêm sau",
        order=99,
    )
    client.force_login(people["standing_office"])
    html = client.get(
        reverse("reporting:plan", args=["dien-quang", shapes_plan.pk])
    ).content.decode()
    rows = [html.index(f'data-code="{code}"') for code in ("1", "1.1", "1.2", "2", "3")]
    assert rows == sorted(rows)
    assert f'id="task-{late.pk}" class="depth-1"' in html
    assert f'id="task-{heading.pk}" class="heading-row depth-0"' in html
    assert "tiêu đề: tiến độ báo cáo theo các nội dung con" in html
    assert COLLECTIVE in html  # the collective lead, as printed
    # The event deadline: shown as waiting for its event, not as one to check.
    assert "khi có sự kiện: Kế hoạch được ban hành" in html
    assert "1 thời hạn chờ sự kiện" in html
    assert "thời hạn cần kiểm tra" not in html


def test_progress_is_reported_on_sub_items_or_on_a_heading_without_any(shapes_plan):
    commune = shapes_plan.commune
    shapes_plan.status = "in_force"
    shapes_plan.save()
    results = commune_results(commune, period_ensure(commune, "2025"))
    codes = {result.task.code for result in results.tasks if result.task.plan_id == shapes_plan.pk}
    assert codes == {"1.1", "2", "3"}  # "1" reports through 1.1; "3" has no sub-items


def test_an_event_deadline_is_never_overdue_nor_reminded(shapes_plan):
    commune = shapes_plan.commune
    event = shapes_plan.tasks.get(code="2")
    event.lead_units.set([commune.units.get(short_name="Phòng Kinh tế")])
    for code in ("202512", "2025"):
        result = next(
            r
            for r in commune_results(commune, period_ensure(commune, code)).tasks
            if r.task == event
        )
        assert (result.due_date, result.state) == (None, TaskState.NOT_STARTED), code
    for day in (date(2025, 7, 31), date(2025, 12, 31), date(2026, 1, 7)):
        assert not [
            item
            for item in reminders_due(day, commune_ids=[commune.pk])
            if item.subject == ReminderSubject.TASK and item.task_id == event.pk
        ]


def test_the_task_form_saves_a_heading_an_event_deadline_and_a_collective_lead(
    client, people, shapes_plan
):
    task = shapes_plan.tasks.get(code="1.1")
    client.force_login(people["standing_office"])
    url = reverse("tasks:edit", args=["dien-quang", task.pk])
    data = {
        "section": task.section_id,
        "parent": task.parent_id,
        "code": task.code,
        "name": task.name,
        "lead_text": "Các phòng chuyên môn",
        "deadline_text": "sau khi được thành lập",
        "order": task.order,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    task.refresh_from_db()
    assert (task.deadline_kind, task.deadline_flagged, task.lead_text) == (
        "event",
        False,
        "Các phòng chuyên môn",
    )
    # A sub-item cannot also be a heading.
    response = client.post(url, data | {"is_heading": "on"})
    assert response.status_code == 200
    assert "Nhiệm vụ tiêu đề không thể là nội dung con" in response.content.decode()


def test_the_migration_reads_stored_event_deadlines_and_marks_headings(shapes_plan):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tasks.migrations.0002_task_heading_event_deadline")
    # As a portal before this change stored them: the event unparsed and flagged, no headings.
    shapes_plan.tasks.update(is_heading=False)
    shapes_plan.tasks.filter(code="2").update(deadline_kind="unparsed", deadline_flagged=True)
    migration.mark_headings_and_events(apps, None)
    tasks = {task.code: task for task in shapes_plan.tasks.all()}
    assert (tasks["2"].deadline_kind, tasks["2"].deadline_flagged) == ("event", False)
    # "1" prints no lead and no deadline above its sub-item; "3" has none.
    assert {code for code, task in tasks.items() if task.is_heading} == {"1"}
