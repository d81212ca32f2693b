from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "hrguard.ingest"
    label = "ingest"
