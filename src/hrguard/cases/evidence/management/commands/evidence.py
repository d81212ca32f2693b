"""`hrguard evidence verify PACKAGE` and `hrguard evidence export CASE_ID OUT --user NAME`."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrguard.cases.evidence.package import PackageUnreadable, package_verify
from hrguard.cases.evidence.services import evidence_package_export
from hrguard.cases.models import Case
from hrguard.core.commands import HrguardCommand
from hrguard.core.errors import HrguardError


class Command(HrguardCommand):
    # HrguardCommand resolves the lazy text before argparse reads it.
    help = _("证据包：verify 重新计算并核对证据包中每个文件的 SHA-256；export 导出案件的证据包。")

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser(
            "verify", help=gettext("核验证据包：发现被改动、缺失或多出的文件时以状态 1 退出。")
        )
        verify.add_argument("package", type=Path, help=gettext("证据包 zip 文件的路径。"))
        export = subcommands.add_parser(
            "export", help=gettext("把案件的全部证据连同清单和保管链导出为 zip 文件。")
        )
        export.add_argument("case_id", type=int, help=gettext("案件编号。"))
        export.add_argument("out", type=Path, help=gettext("要写入的 zip 文件路径，不能已存在。"))
        export.add_argument(
            "--user",
            required=True,
            help=gettext("以哪个用户的身份导出（须有导出证据包的权限），记入保管链和审计日志。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify(options["package"])
        else:
            self._export(case_id=options["case_id"], out=options["out"], username=options["user"])

    def _verify(self, path: Path) -> None:
        try:
            report = package_verify(path)
        except PackageUnreadable as error:
            raise CommandError(str(error), returncode=1) from error

        for problem in report.problems:
            self.stderr.write(problem.message)
        if not report.intact:
            raise CommandError(
                gettext("证据包 %(path)s 核验失败：%(count)s 处问题，见上。")
                % {"path": path, "count": len(report.problems)},
                returncode=1,
            )
        self.stdout.write(
            gettext(
                "证据包 %(path)s 核验通过：%(checked)s 个文件的 SHA-256 均与清单一致，没有缺失或多出的文件。"
                "manifest.json 的 SHA-256 为 %(manifest)s，可与导出时审计日志中的值比对。"
            )
            % {"path": path, "checked": report.checked, "manifest": report.manifest_sha256}
        )

    def _export(self, *, case_id: int, out: Path, username: str) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(gettext("用户 %(user)s 不存在。") % {"user": username})
        case = Case.objects.select_related("employee").filter(pk=case_id).first()
        if case is None:
            raise CommandError(gettext("案件 %(case_id)s 不存在。") % {"case_id": case_id})
        if out.exists():
            raise CommandError(
                gettext("%(path)s 已存在。证据包不会覆盖已有文件，请换一个路径。") % {"path": out}
            )

        try:
            content = evidence_package_export(case=case, user=user)
        except HrguardError as error:
            raise CommandError(error.message) from error

        with out.open("xb") as handle:
            handle.write(content)
        self.stdout.write(
            gettext("已把案件 #%(case_id)s 的证据包写入 %(path)s（%(size)s 字节）。")
            % {"case_id": case.pk, "path": out, "size": len(content)}
        )
