from django.urls import URLPattern, URLResolver, path
from django.views.generic import TemplateView

app_name = "web"

# TODO: replace the placeholder dashboard with the real one.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", TemplateView.as_view(template_name="web/placeholder.html"), name="dashboard"),
]
