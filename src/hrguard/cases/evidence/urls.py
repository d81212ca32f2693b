from django.urls import path

from hrguard.cases.evidence import views

app_name = "evidence"

urlpatterns = [
    path("case/<int:case_id>/", views.case_evidence, name="case"),
    path("case/<int:case_id>/panel/", views.case_evidence_panel, name="panel"),
    path("case/<int:case_id>/upload/", views.evidence_upload, name="upload"),
    path("case/<int:case_id>/package/", views.package_download, name="package"),
    path("item/<int:item_id>/view/", views.evidence_view, name="view"),
    path("item/<int:item_id>/download/", views.evidence_download, name="download"),
]
