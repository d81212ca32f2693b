"""The rule settings page: thresholds and lexicon saved as new versions that the next scan uses."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrguard.chat.models import ChatFlag, LexiconVersion
from hrguard.ingest.services import import_file
from hrguard.people.models import Employee
from hrguard.privacy.roles import Role
from hrguard.risk.engine import DEFAULT_RULE_SET, rule_set_load
from hrguard.risk.models import Alert, IndicatorResult, RuleSet, ScanRun
from hrguard.risk.services import rule_set_in_force, scan_run
from tests.chat_import.conftest import ARCHIVE

URL = "/chat/rules/"
AS_OF = datetime.date(2026, 11, 30)


def _client(role: Role) -> Client:
    """Log in a user of `role` with a session that passed the two-factor step."""
    user = User.objects.create_user(username=f"user-{role.name.lower()}", password="x")
    user.groups.add(Group.objects.get(name=role.value))
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _form_data(client: Client, **overrides: Any) -> dict[str, Any]:
    """Return the page's current values as POST data, with `overrides` by field name."""
    form = client.get(URL).context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = overrides.get(name, field.initial)
        if value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = value
    return data


@pytest.mark.django_db
def test_rule_settings_hr_specialist_forbidden() -> None:
    client = _client(Role.HR_SPECIALIST)

    response = client.get(URL)
    posted = client.post(URL, {"window_months": "6"})

    assert response.status_code == 403
    assert posted.status_code == 403
    assert RuleSet.objects.count() == 0


@pytest.mark.django_db
def test_rule_settings_page_shows_thresholds_and_lexicon() -> None:
    client = _client(Role.HR_MANAGER)

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert "indicators.colleague_borrowing.receivers_min" in content
    assert "不同接收人数下限" in content
    assert "向同事借钱" in content
    assert "急用钱" in content
    assert response.context["rule_set"].version == rule_set_load().version


@pytest.mark.django_db
def test_rule_settings_save_used_by_next_scan(
    chat_company: dict[str, Employee],
) -> None:
    client = _client(Role.HR_MANAGER)
    import_file(kind="chat", path=ARCHIVE, file_name=ARCHIVE.name)
    first = scan_run(as_of=AS_OF)
    data = _form_data(client, **{"indicators.colleague_borrowing.receivers_min": 4})

    response = client.post(URL, data)
    second = scan_run(as_of=AS_OF)

    saved = RuleSet.objects.latest("pk")
    assert response.status_code == 302
    assert saved.version == f"{timezone.localdate():%Y.%m.%d}.1"
    assert "receivers_min = 4" in saved.content
    assert "# Distinct receivers asked within one window that make a hit." in saved.content
    assert first.rule_set.version == rule_set_load().version
    assert second.rule_set == saved
    result = IndicatorResult.objects.get(scan=second, code="colleague_borrowing")
    assert result.hit is False
    assert result.evidence["receivers_min"] == 4
    # The alert of the first scan keeps the version that produced it.
    assert Alert.objects.get().rule_set == first.rule_set
    assert LexiconVersion.objects.count() == 0


@pytest.mark.django_db
def test_rule_settings_lexicon_change_screens_next_import(
    chat_company: dict[str, Employee],
) -> None:
    client = _client(Role.HR_MANAGER)
    jokes = client.get(URL).context["form"].fields["lexicon.jokes"].initial
    data = _form_data(client, **{"lexicon.jokes": jokes + "\n下周发工资就还你"})

    client.post(URL, data)
    import_file(kind="chat", path=ARCHIVE, file_name=ARCHIVE.name)

    lexicon = LexiconVersion.objects.get()
    assert lexicon.version == RuleSet.objects.latest("pk").version
    assert ChatFlag.objects.count() == 2
    assert set(ChatFlag.objects.values_list("lexicon_version", flat=True)) == {lexicon.version}


@pytest.mark.django_db
def test_rule_settings_invalid_levels_rejected_and_nothing_saved() -> None:
    client = _client(Role.HR_MANAGER)
    data = _form_data(client, **{"levels.watch": 3, "levels.medium": 2})

    response = client.post(URL, data)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "规则设置没有保存：levels 的值无效（watch, medium and high must be increasing and at least 1）。"
    ]
    assert RuleSet.objects.count() == 0
    assert ScanRun.objects.count() == 0


@pytest.mark.django_db
def test_rule_set_in_force_prefers_new_shipped_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(Role.HR_MANAGER)
    client.post(URL, _form_data(client, **{"levels.high": 4}))
    saved = RuleSet.objects.latest("pk")
    assert rule_set_in_force().version == saved.version
    upgraded = tmp_path / "default.toml"
    upgraded.write_text(
        DEFAULT_RULE_SET.read_text(encoding="utf-8").replace(
            f'version = "{rule_set_load().version}"', 'version = "2099.1.1"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr("hrguard.risk.services.DEFAULT_RULE_SET", upgraded)

    in_force = rule_set_in_force()

    assert in_force.version == "2099.1.1"
