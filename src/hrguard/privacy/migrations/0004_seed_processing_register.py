"""Install the processing register with an example basis, so a new installation can import.

The rows are listed in hrguard.privacy.register_defaults, which also re-adds
them after every `migrate`.
"""

from django.db import migrations


def seed_register(apps, schema_editor):
    from hrguard.privacy.register_defaults import register_install_defaults

    register_install_defaults(
        apps.get_model("privacy", "ProcessingActivity"), using=schema_editor.connection.alias
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_processing_register_notices_requests")]

    operations = [migrations.RunPython(seed_register, migrations.RunPython.noop)]
