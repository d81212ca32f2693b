from django.urls import URLPattern, URLResolver, path

from hrguard.chat import views

app_name = "chat"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rules/", views.rule_settings, name="rule_settings"),
]
