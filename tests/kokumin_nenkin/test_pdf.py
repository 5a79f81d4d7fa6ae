"""PDFs come out in Japanese on a fresh machine: the font ships with the project."""

import io
import re

import pytest
from pypdf import PdfReader

from kokumin_nenkin.pdf import html_to_pdf

HTML = """<html lang="ja"><body><h1>国民年金保険料免除申請書</h1>
<p>氏名　熊谷　花子（クマガヤ　ハナコ）</p><p>令和6年12月24日</p></body></html>"""


def fonts_of(reader: PdfReader) -> list[dict]:
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            found.append(
                {
                    "name": str(target.get("/BaseFont")),
                    "embedded": bool(
                        descriptor
                        and any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3"))
                    ),
                }
            )
    return found


def test_japanese_font_is_embedded_and_text_extracts_back():
    pdf = html_to_pdf(HTML)
    reader = PdfReader(io.BytesIO(pdf))
    fonts = fonts_of(reader)
    assert any("IPAex" in f["name"] and f["embedded"] for f in fonts), fonts
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert "国民年金保険料免除申請書" in text
    assert "令和6年12月24日" in text
    assert "クマガヤ" in text


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://127.0.0.1:1/secret.png", "../../../etc/hostname"],
)
def test_pdf_renderer_fetches_nothing_outside_static(url, caplog):
    html = f'<html><body><img src="{url}"><p>本文</p></body></html>'
    with caplog.at_level("WARNING"):
        pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert "refused" in caplog.text or "not a static file" in caplog.text
    assert b"root:" not in pdf
