"""A URL map for the designated-terminal tests: the real site plus one export view."""

from django.http import HttpResponse
from django.urls import path

from audit.models import Action
from audit.services import record
from kokumin_nenkin.accounts.access import requires
from kokumin_nenkin.terminals import designated_terminal_only
from kokumin_nenkin.urls import urlpatterns as site_patterns


@requires("report_to_jps")
@designated_terminal_only("電子媒体ファイル（F1）の作成")
def export_view(request):
    record(Action.EXPORT, details={"結果": "served", "目的": "F1"})  # as a real export does
    return HttpResponse(b"F1", content_type="application/octet-stream")


urlpatterns = [*site_patterns, path("test-export/f1", export_view, name="test_export")]
