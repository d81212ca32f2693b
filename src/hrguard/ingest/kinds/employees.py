"""员工花名册 (roster) template: one row per employee, keyed by 工号."""

import datetime
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrguard.ingest.kinds import register
from hrguard.ingest.kinds.base import Column, RowContext, TemplateImporter, WriteCounts
from hrguard.people.models import Department, Employee
from hrguard.people.pseudonyms import unique_pseudonym

if TYPE_CHECKING:
    from hrguard.ingest.models import ImportBatch

STATUS_BY_LABEL = {str(label): value for value, label in Employee.Status.choices}
# Mobile numbers, landlines with area code and extensions: digits with + - ( ) and spaces.
PHONE_PATTERN = re.compile(r"^\+?[\d\- ()]{5,20}$")
EMPLOYEE_NO_PATTERN = re.compile(r"^[0-9A-Za-z_\-.]{1,32}$")
# The fields an import compares and overwrites on an existing employee.
UPDATED_FIELDS = ["name", "department", "position", "hire_date", "phone", "status"]
# Department names listed in a message before the rest are counted as "等 N 个".
LISTED_DEPARTMENTS = 30


@dataclass(frozen=True)
class EmployeeRow:
    employee_no: str
    name: str
    department: str
    position: str
    hire_date: datetime.date | None
    phone: str
    status: str


@register
class EmployeeImporter(TemplateImporter[EmployeeRow]):
    kind = "employees"
    label = gettext_lazy("员工花名册")
    columns = (
        Column("工号", ("员工编号", "职工号", "员工工号")),
        Column("姓名", ("员工姓名",)),
        Column("部门", ("所属部门", "一级部门")),
        Column("岗位", ("职位", "岗位名称"), required=False),
        Column("入职日期", ("入职时间",), required=False),
        Column("手机号", ("手机号码", "联系电话", "联系方式"), required=False),
        Column("状态", ("员工状态", "在职状态")),
    )
    example = {
        "工号": "E0001",
        "姓名": "张三",
        "部门": "财务部",
        "岗位": "会计",
        "入职日期": "2023-07-01",
        "手机号": "13800138000",
        "状态": "在职",
    }
    key_columns = ("工号",)
    allowed_values = {"状态": tuple(STATUS_BY_LABEL)}

    def parse(self, ctx: RowContext) -> EmployeeRow | None:
        employee_no = ctx.text("工号", max_length=32)
        if employee_no and not EMPLOYEE_NO_PATTERN.match(employee_no):
            ctx.problem("工号", _("工号只能包含字母、数字和 - _ . 符号。"))
        name = ctx.text("姓名", max_length=100)
        department = ctx.text("部门", max_length=100)
        position = ctx.text("岗位", required=False, max_length=100)
        hire_date = ctx.date("入职日期", required=False)
        phone = ctx.text("手机号", required=False, max_length=32)
        if phone and (not PHONE_PATTERN.match(phone) or sum(c.isdigit() for c in phone) < 5):
            ctx.problem("手机号", _("手机号格式不正确，请填写数字，例如 13800138000。"))
        status = STATUS_BY_LABEL.get(ctx.get("状态"))
        if status is None:
            ctx.problem(
                "状态",
                _("未知的状态。请填写以下之一：%(known)s。")
                % {"known": "、".join(STATUS_BY_LABEL)},
            )
        if employee_no is not None and department is not None:
            self._check_scope(ctx, employee_no, department)
        if (
            ctx.issues
            or employee_no is None
            or name is None
            or department is None
            or position is None
            or phone is None
            or status is None
        ):
            return None
        return EmployeeRow(employee_no, name, department, position, hire_date, phone, status)

    def _check_scope(self, ctx: RowContext, employee_no: str, department: str) -> None:
        """Record an issue when the row leaves the user's scope or names an unknown department.

        A scoped user may only create or change employees of their own departments, and
        creates no departments. Others may create departments only when they asked to.
        """
        known = self._departments_by_name
        if self.department_ids is not None:
            if employee_no in self._employee_nos_out_of_scope:
                ctx.problem(
                    "工号",
                    _(
                        "工号 %(no)s 不在您的数据范围内，您不能新增或修改这名员工。请交由 HR 经理导入。"
                    )
                    % {"no": employee_no},
                )
            if known.get(department) not in self.department_ids:
                allowed = [name for name, pk in known.items() if pk in self.department_ids]
                ctx.problem(
                    "部门",
                    _("部门「%(department)s」不在您的数据范围内。您可以导入的部门：%(allowed)s。")
                    % {"department": department, "allowed": _name_list(allowed)},
                )
        elif department not in known and not self.create_departments:
            ctx.problem(
                "部门",
                _(
                    "系统中没有部门「%(department)s」。现有部门：%(known)s。请核对部门名称；"
                    "确需新建部门时，请勾选“新建不存在的部门”（命令行用 --create-departments）后重新导入。"
                )
                % {"department": department, "known": _name_list(list(known))},
            )

    @cached_property
    def _departments_by_name(self) -> dict[str, int]:
        return dict(Department.objects.values_list("name", "pk"))

    @cached_property
    def _employee_nos_out_of_scope(self) -> set[str]:
        if self.department_ids is None:
            return set()
        return set(
            Employee.objects.exclude(department_id__in=self.department_ids).values_list(
                "employee_no", flat=True
            )
        )

    def natural_key(self, record: EmployeeRow) -> tuple[str, ...]:
        return (record.employee_no,)

    def write(self, *, batch: "ImportBatch | None", apply: bool) -> WriteCounts:
        self._departments = dict(Department.objects.values_list("name", "pk"))
        self._pseudonyms = set(Employee.objects.values_list("pseudonym", flat=True))
        return super().write(batch=batch, apply=apply)

    def write_chunk(
        self, records: list[EmployeeRow], *, batch: "ImportBatch | None", apply: bool
    ) -> WriteCounts:
        existing = {
            employee.employee_no: employee
            for employee in Employee.objects.select_related("department").filter(
                employee_no__in=[r.employee_no for r in records]
            )
        }
        counts = WriteCounts()
        to_create: list[Employee] = []
        to_update: list[Employee] = []
        for record in records:
            current = existing.get(record.employee_no)
            if current is None:
                pseudonym = unique_pseudonym(record.employee_no, self._pseudonyms)
                self._pseudonyms.add(pseudonym)
                employee = Employee(employee_no=record.employee_no, pseudonym=pseudonym)
                self._fill(employee, record, apply=apply)
                to_create.append(employee)
            elif self._differs(current, record):
                self._fill(current, record, apply=apply)
                to_update.append(current)
            else:
                counts.unchanged += 1
        counts.created += len(to_create)
        counts.updated += len(to_update)
        if apply:
            # bulk_update skips auto_now, so the change time is set here.
            now = timezone.now()
            for employee in to_update:
                employee.updated_at = now
            Employee.objects.bulk_create(to_create)
            Employee.objects.bulk_update(to_update, [*UPDATED_FIELDS, "phone_index", "updated_at"])
        return counts

    def _differs(self, employee: Employee, record: EmployeeRow) -> bool:
        return (
            employee.name,
            employee.department.name,
            employee.position,
            employee.hire_date,
            employee.phone,
            employee.status,
        ) != (
            record.name,
            record.department,
            record.position,
            record.hire_date,
            record.phone,
            record.status,
        )

    def _fill(self, employee: Employee, record: EmployeeRow, *, apply: bool) -> None:
        employee.name = record.name
        employee.position = record.position
        employee.hire_date = record.hire_date
        employee.phone = record.phone
        employee.status = record.status
        if apply:
            employee.department_id = self._department_id(record.department)

    def _department_id(self, name: str) -> int:
        """Return the department's id, creating the department on first use."""
        pk = self._departments.get(name)
        if pk is None:
            pk = Department.objects.create(name=name).pk
            self._departments[name] = pk
        return pk


def _name_list(names: list[str]) -> str:
    """Return up to LISTED_DEPARTMENTS names joined with 、, and how many were left out."""
    if not names:
        return _("（无）")
    shown = "、".join(sorted(names)[:LISTED_DEPARTMENTS])
    if len(names) > LISTED_DEPARTMENTS:
        return _("%(names)s 等 %(count)d 个") % {"names": shown, "count": len(names)}
    return shown
