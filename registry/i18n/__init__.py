"""Translations: Swedish (default), Norwegian Bokmål and English.

The catalogs are the `.po` files under `locale/`; they are compiled in memory when first used, so there
is no build step and no compiled file to forget. Source strings are English. The language of a request
is the reader's own choice (a cookie), else the best match for `Accept-Language`, else Swedish.
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES: dict[str, str] = {"sv": "Svenska", "nb": "Norsk bokmål", "en": "English"}
DEFAULT_LANGUAGE = "sv"
LANGUAGE_COOKIE = "registry_language"

_current: ContextVar[str] = ContextVar("registry_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return _gettext.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def current_language() -> str:
    return _current.get()


def set_language(language: str):
    """Make `language` the language of the running request (or task). Returns a token for `reset`."""
    return _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def reset_language(token) -> None:
    _current.reset(token)


def gettext(message: str, **variables: object) -> str:
    text = translations(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(current_language()).ngettext(singular, plural, n)
    return text % ({"num": n} | variables)


def lazy_gettext(message: str, **variables: object) -> LazyProxy:
    """A string translated when it is shown, for labels defined at import time."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


_ = gettext


def choose_language(cookie_value: str | None, accept_language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    if cookie_value in LANGUAGES:
        return cookie_value
    if accept_language:
        preferred = []
        for part in accept_language.split(","):
            tag, _sep, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            if tag and quality > 0:
                preferred.append((quality, tag.strip().replace("-", "_")))
        preferred.sort(key=lambda item: -item[0])
        # Norwegian readers often send "no" or "nn"; Bokmål is the closest catalog we have.
        tags = [("nb" if tag.split("_")[0].lower() in {"no", "nn"} else tag) for _q, tag in preferred]
        match = negotiate_locale(tags, list(LANGUAGES), sep="_")
        if match:
            return match
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def locale() -> Locale:
    return Locale.parse(current_language())
