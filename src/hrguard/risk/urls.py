from django.urls import URLPattern, URLResolver

app_name = "risk"

urlpatterns: list[URLPattern | URLResolver] = []
