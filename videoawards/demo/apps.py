from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The seed_demo command: it fills every app, so it sits above them all."""

    name = "videoawards.demo"
    label = "demo"
