"""The seed loader refuses what it would silently get wrong, names where, and writes nothing."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune
from indicators.models import Indicator, ProvinceIndicator
from onboarding import seeds as seed_loader
from onboarding.seeds import SeedError, province_catalogue_load, seed_folder_load

pytestmark = pytest.mark.django_db

REAL = Path(seed_loader.SEEDS_DIR) / "dien-quang"
CODE = "xa-thu-seed"


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of Điền Quang's seed folder under another commune code, to be spoilt by each test."""
    copy = tmp_path / CODE
    shutil.copytree(REAL, copy)
    commune = copy / "commune.toml"
    commune.write_text(
        commune.read_text().replace('code = "dien-quang"', f'code = "{CODE}"', 1),
        encoding="utf-8",
    )
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SECOND_INDICATOR = '[[indicators]]\ngroup = "I"\ncode = "2"\n'


def refused(folder: Path) -> str:
    with pytest.raises(SeedError) as caught:
        seed_folder_load(folder)
    assert not Commune.objects.filter(code=CODE).exists(), "nothing may be written"
    return str(caught.value)


def test_the_untouched_copy_loads(folder):
    result = seed_folder_load(folder)
    assert result.indicators == 21 and result.tasks == 9 and result.notes == []


def test_two_indicators_with_one_code_are_refused(folder):
    edit(folder / "kh-2025.toml", SECOND_INDICATOR, SECOND_INDICATOR.replace('"2"', '"1"'))
    message = refused(folder)
    assert message == (
        f"{CODE}/kh-2025.toml: [[indicators]] row 2 (code = '1'): code already used by row 1; "
        "each row needs its own"
    )


def test_two_tasks_with_one_section_and_code_are_refused(folder):
    edit(folder / "kh-2025.toml", '[[tasks]]\ncode = "2"\n', '[[tasks]]\ncode = "1"\n')
    message = refused(folder)
    assert message.startswith(f"{CODE}/kh-2025.toml: [[tasks]] row 2 (code = '1')")
    assert "section and code already used by row 1" in message


def test_two_units_with_one_short_name_are_refused(folder):
    edit(
        folder / "commune.toml",
        'short_name = "Phòng Kinh tế"\nname = "Phòng Kinh tế"',
        'short_name = "Công an xã"\nname = "Phòng Kinh tế"',
    )
    message = refused(folder)
    assert message.startswith(f"{CODE}/commune.toml: [[units]] row 4 (short_name = 'Công an xã')")
    assert "already used by row 3" in message


def test_an_alias_naming_two_units_is_refused(folder):
    # Leads resolve through aliases: one alias for two units would pick one of them silently.
    edit(
        folder / "commune.toml",
        'short_name = "Phòng Kinh tế"\nname = "Phòng Kinh tế"',
        'short_name = "Phòng Kinh tế"\nname = "Phòng Kinh tế"\naliases = ["Phòng Văn hóa - Xã hội"]',
    )
    message = refused(folder)
    assert "[[units]] row 3 (short_name = 'Phòng Kinh tế')" in message
    assert "'phòng văn hóa - xã hội' also names unit row 1" in message


def test_two_groups_with_one_numeral_are_refused(folder):
    edit(folder / "kh-2025.toml", 'numeral = "II"\n', 'numeral = "I"\n')
    assert "[[indicator_groups]] row 2 (numeral = 'I'): numeral already used by row 1" in refused(
        folder
    )


def test_two_plan_files_with_one_key_are_refused(folder):
    shutil.copy(folder / "kh-2025.toml", folder / "kh-2025-copy.toml")
    message = refused(folder)
    assert message == (
        f"{CODE}/kh-2025.toml: [plan] key = 'kh-2025' is already the key of kh-2025-copy.toml; "
        "each plan needs its own"
    )


def test_an_unknown_key_in_a_row_is_refused(folder):
    edit(folder / "kh-2025.toml", 'targets = { 2025 = "50%" }', 'trget = { 2025 = "50%" }')
    message = refused(folder)
    assert message.startswith(
        f"{CODE}/kh-2025.toml: [[indicators]] row 1 (code = '1'): unknown key 'trget' (known: "
    )
    assert "targets" in message


def test_an_unknown_key_in_a_single_table_is_refused(folder):
    edit(folder / "commune.toml", 'kind = "xã"\n', 'kind = "xã"\nprovince_code = "38"\n')
    assert refused(folder).startswith(
        f"{CODE}/commune.toml: [commune]: unknown key 'province_code'"
    )


def test_an_unknown_table_is_refused(folder):
    edit(folder / "kh-2025.toml", "[[indicator_groups]]", "[[indicator_group]]")
    assert refused(folder).startswith(
        f"{CODE}/kh-2025.toml: unknown table [indicator_group] (known: "
    )


def test_a_row_without_its_key_is_refused(folder):
    edit(
        folder / "kh-2025.toml",
        '[[indicators]]\ngroup = "I"\ncode = "1"\n',
        '[[indicators]]\ngroup = "I"\n',
    )
    assert (
        refused(folder) == f"{CODE}/kh-2025.toml: [[indicators]] row 1: the key 'code' is missing"
    )


def test_a_key_repeated_inside_one_row_is_refused_with_the_file_name(folder):
    edit(
        folder / "kh-2025.toml",
        'targets = { 2025 = "50%" }',
        'targets = { 2025 = "50%", 2025 = "60%" }',
    )
    message = refused(folder)
    assert message.startswith(f"{CODE}/kh-2025.toml: not valid TOML: ")
    assert "line" in message


def test_an_empty_target_is_skipped_with_a_note(folder):
    edit(folder / "kh-2025.toml", 'targets = { 2025 = "50%" }', 'targets = { 2025 = " " }')
    result = seed_folder_load(folder)
    assert result.notes == [
        f"{CODE}/kh-2025.toml: [[indicators]] row 1 (code = '1'): the target for 2025 is empty; "
        "skipped"
    ]
    indicator = Indicator.objects.get(commune__code=CODE, code="1")
    assert not indicator.targets.exists()
    assert Indicator.objects.get(commune__code=CODE, code="2").targets.get().text == "50%"


def test_a_province_catalogue_with_a_repeated_code_or_link_is_refused(tmp_path, seeds):
    catalogue = tmp_path / "provinces" / "38-thanh-hoa.toml"
    catalogue.parent.mkdir()
    original = (seed_loader.PROVINCES_DIR / "38-thanh-hoa.toml").read_text(encoding="utf-8")
    catalogue.write_text(original.replace('code = "2"\n', 'code = "1"\n', 1), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        province_catalogue_load(catalogue)
    assert str(caught.value).startswith(
        "provinces/38-thanh-hoa.toml: [[indicators]] row 2 (code = '1'): code already used"
    )

    catalogue.write_text(
        original.replace('links = ["an-nong/kh-28-2026/1"]', 'links = ["dien-quang/kh-2025/1"]'),
        encoding="utf-8",
    )
    before = list(ProvinceIndicator.objects.values_list("pk", "name"))
    with pytest.raises(SeedError) as caught:
        province_catalogue_load(catalogue)
    assert "the link 'dien-quang/kh-2025/1' is already in row 1" in str(caught.value)
    assert list(ProvinceIndicator.objects.values_list("pk", "name")) == before


def test_the_command_prints_the_refusal_without_a_traceback(folder, monkeypatch):
    edit(folder / "kh-2025.toml", SECOND_INDICATOR, SECOND_INDICATOR.replace('"2"', '"1"'))
    monkeypatch.setattr(seed_loader, "seed_folders", lambda: [folder])
    monkeypatch.setattr(seed_loader, "province_catalogues", lambda: [])
    with pytest.raises(CommandError, match=r"\[\[indicators\]\] row 2 \(code = '1'\)"):
        call_command("load_seeds")


def test_the_command_prints_the_notes(folder, monkeypatch, capsys):
    edit(folder / "kh-2025.toml", 'targets = { 2025 = "50%" }', 'targets = { 2025 = "" }')
    monkeypatch.setattr(seed_loader, "seed_folders", lambda: [folder])
    monkeypatch.setattr(seed_loader, "province_catalogues", lambda: [])
    call_command("load_seeds")
    out = capsys.readouterr().out
    assert "21 indicators, 9 tasks" in out
    assert "note: xa-thu-seed/kh-2025.toml: [[indicators]] row 1 (code = '1'): the target" in out


# The forms' rules for targets and deadlines apply to the seeds too (issue 15).


@pytest.mark.parametrize("typed", ["150%", "abc%", "-20%"])
def test_a_seed_target_the_indicator_form_refuses_is_refused_naming_where(folder, typed):
    """Before: «150%» for a share loaded as a target nobody could type in the form."""
    edit(folder / "kh-2025.toml", 'targets = { 2025 = "50%" }', f'targets = {{ 2025 = "{typed}" }}')
    message = refused(folder)
    assert message.startswith(f"{CODE}/kh-2025.toml: [[indicators]] row 1 (")
    assert "target 2025: " in message


@pytest.mark.parametrize(
    "toml,kept,why",
    [
        ('"Quý 5/2025"', "Quý 5/2025", "Không có quý 5"),
        ("2025-07-31", "2025-07-31", "not text"),  # TOML reads it as a date: it crashed
        ("2030", "2030", "not text"),
    ],
)
def test_a_seed_deadline_it_cannot_read_is_kept_and_flagged_not_a_crash(folder, toml, kept, why):
    edit(folder / "kh-2025.toml", 'deadline = "Tháng 7/2025"', f"deadline = {toml}")
    result = seed_folder_load(folder)
    task = result.plans[0].tasks.get(code="1")
    assert task.deadline_text == kept
    # Kept as written, and read by the one deadline rule like any typed text ("2030": that year).
    assert task.deadline_flagged == (task.deadline_kind == "unparsed")
    if kept == "Quý 5/2025":
        assert task.deadline_flagged and task.due_date is None
    assert any(why in note and "task" in note.lower() for note in result.notes), result.notes


def test_the_three_seeds_still_load_without_notes():
    for folder in seed_loader.seed_folders():
        result = seed_folder_load(folder)
        assert result.plans, folder
        assert not [note for note in result.notes if "deadline" in note], result.notes
