"""The in-app inbox: a user's own notifications, newest first."""

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hrguard.core.errors import NotFound
from hrguard.notify import selectors, services

NOTIFICATIONS_PER_PAGE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notifications_for_user(user=request.user, unread_only=unread_only)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "unread_only": unread_only}
    return render(request, "notify/inbox.html", context)


@require_POST
@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark the notification read and go to the page it links to."""
    try:
        notification = selectors.notification_get_for_user(
            notification_id=notification_id, user=request.user
        )
        services.notification_mark_read(notification=notification, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from error
    # Links carry HRGUARD_BASE_URL for e-mail; in the browser only the path is
    # followed, so the user stays on the host they are logged in to.
    path = urlsplit(notification.link).path
    if not path.startswith("/") or path.startswith("//"):
        return redirect("notify:inbox")
    return redirect(path)


@require_POST
@login_required
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("notify:inbox")
