"""What a printed form says: the text of every page of a PDF, as pypdf extracts it."""

import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
