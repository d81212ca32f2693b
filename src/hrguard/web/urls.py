from django.urls import URLPattern, URLResolver, path

from hrguard.web import views

app_name = "web"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/reveal-name/", views.alert_reveal_name, name="alert_reveal_name"),
    path("employees/<int:employee_id>/risk/", views.employee_profile, name="employee_profile"),
]
