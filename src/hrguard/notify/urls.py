from django.urls import URLPattern, URLResolver, path

from hrguard.notify import views

app_name = "notify"

urlpatterns: list[URLPattern | URLResolver] = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<int:notification_id>/open/", views.notification_open, name="notification_open"),
]
