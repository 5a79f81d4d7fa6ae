"""Issue 11, item 8: an upload larger than an input file may be is refused by its declared
size before the body is read (a Japanese 413, nothing imported); files are streamed to a
temporary file; a file name with a path is refused with a message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jps_reporting.models import ResultsUpload
from kokumin_nenkin.imports import FieldError, safe_filename


@pytest.mark.django_db
def test_a_too_large_upload_is_refused_before_it_is_read(client_for, settings, monkeypatch):
    settings.IMPORT_MAX_BYTES = 1024
    client = client_for("shintatsu")
    read = []
    from django.core.handlers.wsgi import LimitedStream

    original = LimitedStream.read

    def counting_read(self, *args, **kwargs):
        data = original(self, *args, **kwargs)
        read.append(len(data))
        return data

    monkeypatch.setattr(LimitedStream, "read", counting_read)
    big = SimpleUploadedFile("kekka.csv", b"x" * (200 * 1024), "text/csv")
    response = client.post("/jps/results/", {"file": big, "encoding": "auto"})
    assert response.status_code == 413
    assert "ファイルが大きすぎます" in response.content.decode()
    assert sum(read) == 0  # not one byte of the body was read
    assert not ResultsUpload.objects.exists()


def test_uploads_are_streamed_to_a_temporary_file(settings):
    assert settings.FILE_UPLOAD_HANDLERS == [
        "django.core.files.uploadhandler.TemporaryFileUploadHandler"
    ]


@pytest.mark.parametrize("name", ["../../etc/kekka.csv", "C:\\\\data\\\\kekka.csv", "a/b.csv"])
def test_a_file_name_with_a_path_is_refused_with_a_message(name):
    with pytest.raises(FieldError, match="フォルダの指定は使えません"):
        safe_filename(name)
