"""Context of the case page: the case, its alert's evidence, the plan, follow-up and history."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrguard.cases import forms, selectors
from hrguard.cases.evidence.views import evidence_panel_context
from hrguard.cases.models import (
    Case,
    CaseEvent,
    FollowUpCheckpoint,
    InterventionKind,
    InterventionStep,
    RepaymentStatus,
)
from hrguard.cases.playbooks import SuggestedStep
from hrguard.cases.states import ALLOWED_TRANSITIONS, NOTE_REQUIRED, CaseState
from hrguard.risk import selectors as risk_selectors
from hrguard.risk.models import AlertLevel
from hrguard.web.indicators import evidence_sentences, indicator_label

# Buttons appear in this order whatever the transition table's set order is.
STATE_ORDER = [CaseState.IN_PROGRESS, CaseState.FOLLOWING_UP, CaseState.CLOSED]

# Labels of the keys that CaseEvent.before/after use.
EVENT_KEY_LABELS = {
    "state": _("状态"),
    "alert_id": _("预警"),
    "level": _("预警级别"),
    "indicators": _("命中指标"),
    "assignee_id": _("负责人"),
    "due_date": _("期限"),
    "step_id": _("步骤"),
    "kind": _("干预方式"),
    "owner_id": _("执行人"),
    "status": _("步骤状态"),
    "legal_aid_provider_id": _("法律援助机构"),
    "family_contact_consent_id": _("联系家属同意"),
    "consent_id": _("同意记录"),
    "given_on": _("同意日期"),
    "withdrawn_on": _("撤回日期"),
    "checkpoint_id": _("回访节点"),
    "days_after": _("跟踪第几天"),
    "repayment_status": _("还款情况"),
}

_VALUE_LABELS: dict[str, Any] = {
    "state": CaseState,
    "level": AlertLevel,
    "kind": InterventionKind,
    "status": InterventionStep.Status,
    "repayment_status": RepaymentStatus,
}


@dataclass(frozen=True)
class Transition:
    state: str
    label: str
    note_required: bool
    form: forms.TransitionForm
    # Why the button is not offered, shown in its place.
    blocked_reason: str = ""


@dataclass(frozen=True)
class EvidenceRow:
    label: str
    severity: int
    sentences: list[str]


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class EventRow:
    event: CaseEvent
    actor: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestion:
    step: SuggestedStep
    label: str
    form: forms.StepAddForm


def case_page_context(case: Case, user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    handlers = selectors.handlers_for_employee(employee=case.employee)
    consent = selectors.follow_up_consent_in_force(case=case, day=today)
    steps = list(case.steps.select_related("owner", "legal_aid_provider").order_by("due_date"))
    plan_finished = selectors.plan_finished(case=case)
    checkpoints = list(selectors.checkpoints_for_case(case=case))

    return {
        "case": case,
        "employee": case.employee,
        "alert": case.alert,
        "today": today,
        "transitions": _transitions(case, consent_in_force=consent is not None),
        "assign_form": forms.AssignForm(handlers=handlers, initial={"assignee": case.assignee_id}),
        "due_date_form": forms.DueDateForm(initial={"due_date": case.due_date}),
        "note_form": forms.NoteForm(),
        "hits": _evidence_rows(case),
        "suggestions": _suggestions(case, user, handlers, today) if case.is_open else [],
        "step_form": forms.StepAddForm(
            handlers=handlers,
            providers=selectors.legal_aid_providers_current(today=today),
            initial={"owner": case.assignee_id or user.pk},
            auto_id="step-add-%s",
        ),
        "steps": [(step, forms.StepResultForm(auto_id=f"step-{step.pk}-%s")) for step in steps],
        "plan_finished": plan_finished,
        # The system never closes a case by itself: when the plan is done and the
        # employee did not agree to follow-up, the page offers closing to a person.
        "offer_close": case.state == CaseState.IN_PROGRESS and plan_finished and consent is None,
        "offer_close_after_withdrawal": case.state == CaseState.FOLLOWING_UP and consent is None,
        "consent": consent,
        "consents": list(selectors.follow_up_consents_for_case(case=case)),
        "consent_form": forms.FollowUpConsentForm(initial={"given_on": today}),
        "withdraw_form": forms.ConsentWithdrawForm(initial={"withdrawn_on": today}),
        "follow_up": selectors.follow_up_current(case=case),
        "checkpoints": [
            (checkpoint, forms.CheckpointForm(auto_id=f"checkpoint-{checkpoint.pk}-%s"))
            for checkpoint in checkpoints
        ],
        "checkpoint_pending": FollowUpCheckpoint.Status.PENDING,
        "step_planned": InterventionStep.Status.PLANNED,
        "events": _event_rows(case),
        # The evidence app's panel: its list and upload form, posting to its own views.
        "evidence": evidence_panel_context(case=case, user=user),
    }


def _transitions(case: Case, *, consent_in_force: bool) -> list[Transition]:
    allowed = ALLOWED_TRANSITIONS[CaseState(case.state)]
    rows = []
    for state in STATE_ORDER:
        if state not in allowed:
            continue
        blocked = ""
        if state == CaseState.FOLLOWING_UP and not consent_in_force:
            blocked = str(_("转为“跟踪中”须先记录员工同意跟踪回访。"))
        # Each form gets its own element ids, so every label points at its own field.
        form = forms.TransitionForm(initial={"to_state": state}, auto_id=f"to-{state}-%s")
        rows.append(
            Transition(
                state=state,
                label=str(CaseState(state).label),
                note_required=(case.state, state) in NOTE_REQUIRED,
                form=form,
                blocked_reason=blocked,
            )
        )
    return rows


def _evidence_rows(case: Case) -> list[EvidenceRow]:
    if case.alert is None:
        return []
    profile = risk_selectors.alert_profile(alert=case.alert)
    return [
        EvidenceRow(
            label=indicator_label(result.code),
            severity=result.severity,
            sentences=evidence_sentences(result.code, result.evidence, result_id=result.pk),
        )
        for result in profile.results
        if result.hit
    ]


def _suggestions(
    case: Case, user: Any, handlers: list[Any], today: datetime.date
) -> list[Suggestion]:
    providers = selectors.legal_aid_providers_current(today=today)
    suggestions = []
    for step in selectors.plan_suggest(case=case, today=today):
        form = forms.StepAddForm(
            handlers=handlers,
            providers=providers,
            initial={
                "kind": step.kind,
                "owner": case.assignee_id or user.pk,
                "due_date": step.due_date,
            },
            auto_id=f"suggest-{step.kind}-%s",
        )
        suggestions.append(
            Suggestion(step=step, label=str(InterventionKind(step.kind).label), form=form)
        )
    return suggestions


def _event_rows(case: Case) -> list[EventRow]:
    events = list(selectors.case_events(case=case))
    user_ids = {
        value
        for event in events
        for values in (event.before, event.after)
        for key, value in values.items()
        if key in ("assignee_id", "owner_id") and value is not None
    }
    usernames = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))

    rows = []
    for event in events:
        actor = event.actor.get_username() if event.actor else str(_("系统（风险扫描）"))
        row = EventRow(event=event, actor=actor)
        for key in [*event.before, *(k for k in event.after if k not in event.before)]:
            before = _value_text(key, event.before.get(key), usernames)
            after = _value_text(key, event.after.get(key), usernames)
            # Skip values that did not change, such as an empty provider before and after.
            if before != after:
                label = str(EVENT_KEY_LABELS.get(key, key))
                row.changes.append(Change(label=label, before=before, after=after))
        rows.append(row)
    return rows


def _value_text(key: str, value: Any, usernames: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if key in ("assignee_id", "owner_id"):
        return usernames.get(value, str(value))
    if key == "indicators":
        return "、".join(indicator_label(code) for code in value) or "—"
    choices = _VALUE_LABELS.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, bool):
        return str(_("是")) if value else str(_("否"))
    return str(value)
