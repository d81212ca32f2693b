from django.db import models
from django.utils.translation import gettext_lazy as _

from hrguard.core.fields import EncryptedTextField, phone_blind_index


class Department(models.Model):
    name = models.CharField(_("部门"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在职")
        PROBATION = "probation", _("试用")
        LEFT = "left", _("离职")

    employee_no = models.CharField(_("工号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.CharField(_("岗位"), max_length=100, blank=True)
    hire_date = models.DateField(_("入职日期"), null=True, blank=True)
    # Encrypted at rest; assigning `phone` also sets `phone_index`, so look a number
    # up with filter(phone_index=hrguard.core.fields.phone_blind_index(number)).
    phone = EncryptedTextField(
        _("手机号"),
        blank=True,
        purpose="people.employee.phone",
        index_field="phone_index",
        index_function=phone_blind_index,
    )
    phone_index = models.CharField(
        _("手机号索引"), max_length=64, blank=True, db_index=True, editable=False
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    # Stable pseudonym shown in triage instead of the name; derived from the
    # employee number with a keyed hash, so it cannot be reversed without the key.
    pseudonym = models.CharField(_("化名"), max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        ordering = ["employee_no"]

    def __str__(self) -> str:
        return f"{self.employee_no} {self.pseudonym}"
