from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(using: str, **kwargs: Any) -> None:
    # A partial `migrate` can run before the auth tables exist.
    tables = set(connections[using].introspection.table_names())
    if not {"auth_group", "auth_permission", "django_content_type"} <= tables:
        return
    from hrguard.privacy.roles import roles_sync

    roles_sync(using=using)


def _install_register_after_migrate(using: str, **kwargs: Any) -> None:
    # A test database flush empties the register; post_migrate follows every flush.
    if "privacy_processingactivity" not in connections[using].introspection.table_names():
        return
    from hrguard.privacy.models import ProcessingActivity
    from hrguard.privacy.register_defaults import register_install_defaults

    register_install_defaults(ProcessingActivity, using=using)


class PrivacyConfig(AppConfig):
    name = "hrguard.privacy"
    label = "privacy"

    def ready(self) -> None:
        from hrguard.privacy import checks  # noqa: F401  (registers the system checks)

        post_migrate.connect(
            _sync_roles_after_migrate, sender=self, dispatch_uid="hrguard.privacy.roles_sync"
        )
        post_migrate.connect(
            _install_register_after_migrate,
            sender=self,
            dispatch_uid="hrguard.privacy.register_install_defaults",
        )
