import pytest
from django.core.exceptions import FieldError
from django.db import connection

from hrguard.core import crypto
from hrguard.core.fields import normalise_cn_mobile, normalise_phone, phone_blind_index
from hrguard.people.models import Employee
from tests.factories import EmployeeFactory


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("(+86)138—0013—8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        (" 138\u30000013\u00a08000 ", "13800138000"),
        ("010-12345678", None),
        ("12800138000", None),
        ("1380013800", None),
        ("", None),
    ],
)
def test_normalise_cn_mobile_table(raw: str, expected: str | None) -> None:
    assert normalise_cn_mobile(raw) == expected


def test_normalise_phone_landline_keeps_digits() -> None:
    assert normalise_phone("010-1234 5678") == "01012345678"
    assert normalise_phone("+1 (415) 555-0100") == "+14155550100"


def test_phone_blind_index_spellings_of_one_mobile_match() -> None:
    assert phone_blind_index("+86 138-0013-8000") == phone_blind_index("13800138000")


def test_phone_blind_index_without_digits_raises() -> None:
    with pytest.raises(ValueError, match="at least one digit"):
        phone_blind_index(" - ")


@pytest.mark.django_db
def test_employee_phone_stored_encrypted_and_loaded_plain() -> None:
    employee = EmployeeFactory()
    employee.phone = "+86 138-0013-8000"
    employee.save()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, phone_index FROM people_employee WHERE id = %s", [employee.pk]
        )
        stored_phone, stored_index = cursor.fetchone()

    assert stored_phone.startswith("hg1:")
    assert "13800138000" not in stored_phone
    assert crypto.decrypt_text(stored_phone, purpose="people.employee.phone") == "+86 138-0013-8000"
    assert stored_index == phone_blind_index("13800138000")
    assert Employee.objects.get(pk=employee.pk).phone == "+86 138-0013-8000"


@pytest.mark.django_db
def test_employee_phone_index_lookup_finds_employee() -> None:
    wanted = EmployeeFactory(phone="13800138000")
    EmployeeFactory(phone="13900139000")
    EmployeeFactory(phone="")

    found = Employee.objects.filter(phone_index=phone_blind_index("0086 138 0013 8000"))

    assert list(found) == [wanted]


@pytest.mark.django_db
def test_employee_phone_change_updates_index() -> None:
    employee = EmployeeFactory(phone="13800138000")

    employee.phone = "13900139000"
    employee.save()
    employee.refresh_from_db()

    assert employee.phone_index == phone_blind_index("13900139000")
    assert not Employee.objects.filter(phone_index=phone_blind_index("13800138000")).exists()


@pytest.mark.django_db
def test_employee_phone_cleared_clears_index() -> None:
    employee = EmployeeFactory(phone="13800138000")

    employee.phone = ""
    employee.save()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, phone_index FROM people_employee WHERE id = %s", [employee.pk]
        )
        assert cursor.fetchone() == ("", "")


@pytest.mark.django_db
def test_employee_bulk_create_sets_index() -> None:
    department = EmployeeFactory().department
    Employee.objects.bulk_create(
        [
            Employee(
                employee_no="B001",
                name="甲",
                department=department,
                pseudonym="员工-B001",
                phone="13800138000",
            )
        ]
    )

    assert Employee.objects.get(phone_index=phone_blind_index("13800138000")).employee_no == "B001"


@pytest.mark.django_db
def test_employee_filter_by_phone_raises() -> None:
    with pytest.raises(FieldError, match="Unsupported lookup 'exact'"):
        Employee.objects.filter(phone="13800138000").exists()


@pytest.mark.django_db
def test_phone_migration_encrypts_existing_plaintext() -> None:
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("hrguard.people.migrations.0002_employee_phone_encrypted")
    employee = EmployeeFactory()
    already_encrypted = EmployeeFactory(phone="13900139000")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE people_employee SET phone = %s, phone_index = '' WHERE id = %s",
            ["138-0013-8000", employee.pk],
        )

    migration.encrypt_existing_phones(apps, SimpleNamespace(connection=connection))

    employee.refresh_from_db()
    already_encrypted.refresh_from_db()
    assert employee.phone == "138-0013-8000"
    assert employee.phone_index == phone_blind_index("13800138000")
    assert already_encrypted.phone == "13900139000"
