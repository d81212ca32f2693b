"""`hrguard users create|set-password|list`: user accounts for the web interface."""

import secrets
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from hrguard.core.commands import HrguardCommand
from hrguard.people.models import Department, Employee
from hrguard.privacy.audit import audit_record
from hrguard.privacy.roles import Role, roles_sync
from hrguard.privacy.services import (
    department_scope_grant,
    employee_account_link,
    role_grant,
)

# 16 URL-safe characters carry 96 bits of randomness: beyond guessing, still typeable.
PASSWORD_BYTES = 12


class Command(HrguardCommand):
    help = gettext_lazy(
        "用户账号：create 创建用户并分配角色，set-password 重新生成密码，list 列出用户。"
        "密码随机生成并只显示一次，系统没有默认密码。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)

        create = subcommands.add_parser("create", help=gettext("创建用户，打印随机生成的密码。"))
        create.add_argument("username", help=gettext("用户名。"))
        create.add_argument(
            "--role",
            action="append",
            default=[],
            choices=[role.value for role in Role],
            help=gettext("角色，可重复填写。"),
        )
        create.add_argument(
            "--department",
            action="append",
            default=[],
            help=gettext("HR专员、HRBP 可查看的部门（含下级部门），可重复填写。"),
        )

        create.add_argument(
            "--employee",
            metavar="工号",
            help=gettext("把账号关联到这名员工，供员工自助使用（通常与 --role 员工 一起使用）。"),
        )

        reset = subcommands.add_parser("set-password", help=gettext("为用户生成新密码。"))
        reset.add_argument("username", help=gettext("用户名。"))

        subcommands.add_parser("list", help=gettext("列出用户及其角色。"))

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "create":
            self._create(
                options["username"], options["role"], options["department"], options["employee"]
            )
        elif subcommand == "set-password":
            self._set_password(options["username"])
        else:
            self._list()

    def _create(
        self, username: str, roles: list[str], departments: list[str], employee_no: str | None
    ) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise CommandError(
                gettext("用户 %(username)s 已存在。如需新密码，请用 hrguard users set-password。")
                % {"username": username}
            )
        scopes = [self._department(name) for name in departments]
        employee = self._employee(employee_no) if employee_no else None
        password = secrets.token_urlsafe(PASSWORD_BYTES)

        roles_sync()
        with transaction.atomic():
            user = user_model.objects.create_user(username=username, password=password)
            audit_record(
                actor=None, action="user.create", target_type="user", target_id=str(user.pk)
            )
            for role in roles:
                role_grant(actor=None, user=user, role=Role(role))
            for department in scopes:
                department_scope_grant(actor=None, user=user, department=department)
            if employee is not None:
                employee_account_link(actor=None, user=user, employee=employee)

        self.stdout.write(
            gettext("已创建用户 %(username)s，密码：%(password)s（只显示这一次，请妥善转交）")
            % {"username": username, "password": password}
        )

    def _set_password(self, username: str) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(gettext("用户 %(username)s 不存在。") % {"username": username})
        password = secrets.token_urlsafe(PASSWORD_BYTES)

        with transaction.atomic():
            user.set_password(password)
            user.save(update_fields=["password"])
            audit_record(
                actor=None, action="user.set_password", target_type="user", target_id=str(user.pk)
            )

        self.stdout.write(
            gettext("用户 %(username)s 的新密码：%(password)s（只显示这一次）")
            % {"username": username, "password": password}
        )

    def _list(self) -> None:
        for user in get_user_model().objects.order_by("username").prefetch_related("groups"):
            roles = "、".join(group.name for group in user.groups.all()) or gettext("无角色")
            self.stdout.write(f"{user.username}\t{roles}")

    def _employee(self, employee_no: str) -> Employee:
        employee = Employee.objects.filter(employee_no=employee_no).first()
        if employee is None:
            raise CommandError(
                gettext("花名册中没有工号 %(employee_no)s，请先导入花名册。")
                % {"employee_no": employee_no}
            )
        return employee

    def _department(self, name: str) -> Department:
        department = Department.objects.filter(name=name).first()
        if department is None:
            raise CommandError(
                gettext("部门 %(name)s 不存在，请检查名称是否与花名册中的部门一致。")
                % {"name": name}
            )
        return department
