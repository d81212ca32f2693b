"""`hrguard roles sync|grant|scope`: role groups, role membership and department scopes."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from hrguard.people.models import Department
from hrguard.privacy.roles import Role, roles_sync
from hrguard.privacy.services import department_scope_grant, role_grant


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, so argparse receives a translated str rather than a lazy proxy.
        return gettext(
            "角色：sync 创建角色用户组并设置权限，grant 给用户分配角色，scope 给用户分配部门数据范围。"
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("sync", help=gettext("创建或更新各角色的用户组及其权限。"))
        grant = subcommands.add_parser("grant", help=gettext("给用户分配一个角色。"))
        grant.add_argument("username", help=gettext("用户名。"))
        grant.add_argument(
            "role", choices=[role.value for role in Role], help=gettext("角色名称。")
        )
        scope = subcommands.add_parser(
            "scope", help=gettext("让用户可以查看某个部门及其下级部门的员工（HR专员、HRBP 使用）。")
        )
        scope.add_argument("username", help=gettext("用户名。"))
        scope.add_argument("department", help=gettext("部门名称。"))

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "sync":
            for role, count in roles_sync().items():
                self.stdout.write(
                    gettext("%(role)s：%(count)s 项权限。") % {"role": role.value, "count": count}
                )
            return

        user = self._user(options["username"])
        if subcommand == "grant":
            role = Role(options["role"])
            role_grant(actor=None, user=user, role=role)
            self.stdout.write(
                gettext("已给用户 %(username)s 分配角色 %(role)s。")
                % {"username": options["username"], "role": role.value}
            )
            return

        department = Department.objects.filter(name=options["department"]).first()
        if department is None:
            raise CommandError(
                gettext("部门 %(name)s 不存在，请检查名称是否与花名册中的部门一致。")
                % {"name": options["department"]}
            )
        department_scope_grant(actor=None, user=user, department=department)
        self.stdout.write(
            gettext("用户 %(username)s 现在可以查看 %(department)s 及其下级部门的员工。")
            % {"username": options["username"], "department": department.name}
        )

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(gettext("用户 %(username)s 不存在。") % {"username": username})
        return user
