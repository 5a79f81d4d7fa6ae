"""Uploads are refused by size before the body is read (issue 11, item 8).

A request whose declared Content-Length is larger than an input file may be
(`IMPORT_MAX_BYTES`, plus room for the form's other fields) is answered with a Japanese 413 at
once: nothing of the body is read into memory or onto disk. Files that are read are streamed
to a temporary file (`FILE_UPLOAD_HANDLERS`), never held whole in memory by the parser.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import get_template

FORM_ROOM = 64 * 1024  # the CSRF token and the form's other fields


def body_limit() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024)) + FORM_ROOM


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit():
            megabytes = int(getattr(settings, "IMPORT_MAX_BYTES", 0)) // (1024 * 1024)
            body = get_template("413.html").render({"megabytes": megabytes})
            response = HttpResponse(body, status=413)
            response["Content-Security-Policy"] = "default-src 'none'; style-src 'self'"
            response["X-Frame-Options"] = "DENY"
            response["Connection"] = "close"  # the unread body is not kept for another request
            return response
        return self.get_response(request)
