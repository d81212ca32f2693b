from django.urls import URLPattern, URLResolver, path

from hrguard.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report_index, name="index"),
    path("monthly/<str:month>/", views.monthly_report, name="monthly"),
    path("employee/<int:employee_id>/", views.employee_report, name="employee"),
]
