from django.db import migrations

from hrguard.cases.playbooks import playbook_defaults_install


def install(apps, schema_editor):
    playbook_defaults_install(apps.get_model("cases", "PlaybookEntry"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
