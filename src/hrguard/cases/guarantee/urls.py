from django.urls import path

from hrguard.cases.guarantee import views

app_name = "guarantee"

urlpatterns = [
    path("", views.dispute_list, name="dispute_list"),
    path("<int:dispute_id>/", views.dispute_detail, name="dispute_detail"),
    path("<int:dispute_id>/scan/", views.dispute_scan, name="dispute_scan"),
    path("<int:dispute_id>/status/", views.dispute_status, name="dispute_status"),
    path("<int:dispute_id>/letter/", views.letter_download, name="letter"),
    path("<int:dispute_id>/package/", views.package_download, name="package"),
    path("employee/<int:employee_id>/documents/", views.signed_documents, name="documents"),
]
