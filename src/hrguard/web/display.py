"""How people are named on pages: the one place that decides between name and pseudonym."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from hrguard.people.models import Employee


def display_name(employee: Employee, user: AbstractBaseUser | AnonymousUser) -> str:
    """Return what `user` may see of the employee's identity: the pseudonym.

    Triage is pseudonymised under PIPL data minimisation, so pages call this
    instead of reading `employee.name`.
    """
    # TODO: return the real name to users with the reveal permission, with a logged reason.
    return employee.pseudonym
