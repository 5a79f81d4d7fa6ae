from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Input files from JPS and the city's other systems: one reader, one set of rules."""

    name = "kokumin_nenkin.imports"
    label = "imports"
    verbose_name = "ファイル取込"
