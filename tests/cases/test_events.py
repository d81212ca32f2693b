"""CaseEvent rows can be added and read, never changed or deleted."""

from typing import Any

import pytest
from django.db.models.deletion import ProtectedError

from hrguard.cases.models import AppendOnlyError, Case, CaseEvent
from hrguard.cases.services import case_note_add, case_open_from_alert
from hrguard.people.models import Employee
from tests.cases.builders import make_alert


@pytest.fixture
def event(employee: Employee, hr_user: Any) -> CaseEvent:
    case = case_open_from_alert(alert=make_alert(employee), user=hr_user)
    return case_note_add(case=case, user=hr_user, note="已约谈")


@pytest.mark.django_db
def test_case_event_save_existing_row_raises(event: CaseEvent) -> None:
    event.note = "改写历史"

    with pytest.raises(AppendOnlyError) as raised:
        event.save()

    assert str(raised.value) == "案件记录只能追加，不能修改。"
    event.refresh_from_db()
    assert event.note == "已约谈"


@pytest.mark.django_db
def test_case_event_delete_row_raises(event: CaseEvent) -> None:
    with pytest.raises(AppendOnlyError) as raised:
        event.delete()

    assert str(raised.value) == "案件记录只能追加，不能删除。"
    assert CaseEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_case_event_queryset_update_raises(event: CaseEvent) -> None:
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(note="改写历史")

    event.refresh_from_db()
    assert event.note == "已约谈"


@pytest.mark.django_db
def test_case_event_queryset_delete_raises(event: CaseEvent) -> None:
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.all().delete()

    assert CaseEvent.objects.count() == 2


@pytest.mark.django_db
def test_case_with_events_cannot_be_deleted(event: CaseEvent) -> None:
    with pytest.raises(ProtectedError):
        Case.objects.get(pk=event.case_id).delete()

    assert CaseEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_case_event_new_row_is_saved(event: CaseEvent) -> None:
    assert event.pk is not None
    assert event.kind == CaseEvent.Kind.NOTE_ADDED
    assert CaseEvent.objects.filter(case=event.case).count() == 2
