from django.urls import URLPattern, URLResolver, path

from hrguard.privacy import views

app_name = "privacy"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("notice/", views.notice, name="notice"),
    path("notice/v<int:version>.docx", views.notice_download, name="notice_download"),
    path("me/", views.me, name="me"),
    path("me/consents/<str:category>/grant/", views.consent_grant, name="consent_grant"),
    path("me/consents/<str:category>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("me/requests/", views.request_submit, name="request_submit"),
    path(
        "me/requests/<int:request_id>/export.<str:data_format>",
        views.request_export,
        name="request_export",
    ),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("register/", views.register_list, name="register"),
    path("register/<str:source>/", views.register_edit, name="register_edit"),
    path("register/<str:source>/switch/", views.register_switch, name="register_switch"),
    path("retention/", views.retention_page, name="retention"),
    path("pia/", views.pia_page, name="pia"),
    path("pia/report.docx", views.pia_download, name="pia_download"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
]
