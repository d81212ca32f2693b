from django.urls import path

from hrguard.ingest import views

app_name = "ingest"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("templates/<str:kind>.<str:file_format>", views.template_download, name="template"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:batch_id>/rejected.xlsx", views.rejected_rows, name="rejected"),
]
