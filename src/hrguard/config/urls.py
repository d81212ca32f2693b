from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("people/", include("hrguard.people.urls")),
    path("imports/", include("hrguard.ingest.urls")),
    path("risk/", include("hrguard.risk.urls")),
    path("chat/", include("hrguard.chat.urls")),
    path("privacy/", include("hrguard.privacy.urls")),
    path("cases/", include("hrguard.cases.urls")),
    path("evidence/", include("hrguard.cases.evidence.urls")),
    path("guarantee/", include("hrguard.cases.guarantee.urls")),
    path("harassment/", include("hrguard.cases.harassment.urls")),
    path("notify/", include("hrguard.notify.urls")),
    path("reports/", include("hrguard.reports.urls")),
    path("", include("hrguard.web.urls")),
]
