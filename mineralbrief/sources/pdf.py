"""PDF press releases, read with ``pypdf`` (the ``[pdf]`` extra): the text of every page.

A PDF without a text layer (a scan, or pages of images) has nothing to brief: that is an
``ArticleError`` saying so, never an empty brief. OCR is out of scope.
"""

from __future__ import annotations

import io
import logging

from ..article import Article, _article
from ..errors import ArticleError

log = logging.getLogger(__name__)

MAX_PAGES = 500  # a press release is a few pages; a 10,000-page PDF is not one


def pdf_article(data: bytes, source: str, *, url: str | None = None) -> Article:
    """An ``Article`` from the bytes of a PDF: the text of every page, pages separated by a
    blank line; the title is the first line of text (PDF metadata titles are too often a file
    name such as "Microsoft Word - Document1").

    Args:
        data: the PDF file's bytes.
        source: where it was read from, for messages and ``Article.source``.
        url: where it was published, when fetched.

    Raises:
        ArticleError: pypdf is missing, the PDF is broken or encrypted, or it holds no text.
    """
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as exc:
        raise ArticleError(f"{source}: reading PDFs needs the 'pdf' extra: pip install 'mineralbrief[pdf]' ({exc})",
                           article_id=source) from exc
    if not data.lstrip()[:5] == b"%PDF-":
        raise ArticleError(f"{source}: not a PDF (no %PDF- header)", article_id=source)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # most "protected" releases open with ""
            raise ArticleError(f"{source}: the PDF is encrypted with a password", article_id=source)
        if len(reader.pages) > MAX_PAGES:
            raise ArticleError(f"{source}: {len(reader.pages):,} pages; the limit is {MAX_PAGES}", article_id=source)
        pages = [page.extract_text() or "" for page in reader.pages]
    except ArticleError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        # pypdf raises its own errors and, on hostile files, plain Python ones from deep inside
        raise ArticleError(f"{source}: cannot read the PDF ({type(exc).__name__}: {str(exc)[:200]})",
                           article_id=source) from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise ArticleError(
            f"{source}: the PDF has no text layer ({len(pages)} page(s) of images, e.g. a scan); "
            "run OCR on it first (e.g. ocrmypdf) and brief the result", article_id=source)
    return _article(text, source, url=url)
