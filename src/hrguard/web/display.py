"""How people are named on pages: the one place that decides between name and pseudonym."""

from django.contrib.auth.models import AnonymousUser, User

from hrguard.people.models import Employee
from hrguard.privacy.selectors import display_name_for


def display_name(
    employee: Employee, user: User | AnonymousUser, *, alert_id: int | None = None
) -> str:
    """Return the pseudonym, or the name if `user` revealed it for this alert.

    Triage is pseudonymised under PIPL data minimisation. A reveal is bound to
    one alert, so pages without an alert (such as the alert list) always show
    the pseudonym.
    """
    if alert_id is None:
        return employee.pseudonym
    return display_name_for(user=user, employee=employee, alert_id=alert_id)
