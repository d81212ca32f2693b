from django.urls import path

from hrguard.cases.harassment import views

app_name = "harassment"

urlpatterns = [
    path("", views.intake, name="intake"),
    path("summary/", views.summary, name="summary"),
    path("<int:incident_id>/", views.incident_detail, name="incident_detail"),
    path("<int:incident_id>/debtor/", views.debtor_link, name="debtor_link"),
    path("<int:incident_id>/debtor/unlink/", views.debtor_unlink, name="debtor_unlink"),
    path("<int:incident_id>/letter/", views.letter_download, name="letter"),
]
