"""The translation catalogs: complete, placeholder-safe, up to date with the sources, and used at run time.

No database and no web server: these read the `.po` files under `registry/i18n/locale/` and re-extract
the sources the way `make messages` does (babel.cfg). When a test here fails after new strings were
added, run `make messages` and translate the new entries in the sv and nb catalogs.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from registry import i18n
from registry.config import PROJECT_ROOT

LOCALE_DIR = i18n.LOCALE_DIR
POT_FILE = LOCALE_DIR / "messages.pot"
TRANSLATED = ["sv", "nb"]  # must be complete; English falls back to the (English) msgids

# A %-placeholder, a literal %% or a stray % (which would break formatting: templates always format).
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|%.?", re.DOTALL)


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def catalog_of(language: str) -> Catalog:
    return read_catalog(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)


def messages(catalog: Catalog) -> dict[str | tuple[str, ...], Message]:
    return {message.id: message for message in catalog if message.id}


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def sample_values(text: str) -> dict[str, object]:
    return {name: 1 for name in re.findall(r"%\((\w+)\)", text)}


def pairs(message: Message) -> list[tuple[str, str]]:
    """(source, translation) pairs: one per plural form for plural messages (form 0 is the singular)."""
    if not message.pluralizable:
        return [(message.id, message.string)]
    singular, plural = message.id[0], message.id[1]
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return [(singular if index == 0 else plural, text) for index, text in enumerate(strings)]


POT_IDS = [message.id for message in read_catalog(POT_FILE) if message.id]


def test_the_template_has_messages() -> None:
    assert len(POT_IDS) > 50


def test_the_template_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    """The same extraction as `make messages` finds exactly the msgids of the committed .pot."""
    output = tmp_path / "messages.pot"
    status = CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-o", str(output), str(PROJECT_ROOT)]
    )
    assert not status
    fresh = {message.id for message in read_catalog(output) if message.id}
    committed = set(POT_IDS)
    new, gone = sorted(fresh - committed, key=str), sorted(committed - fresh, key=str)
    assert not new, f"New strings in the sources; run `make messages` and translate them: {new}"
    assert not gone, f"Strings gone from the sources; run `make messages`: {gone}"


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_each_catalog_has_exactly_the_templates_msgids(language: str) -> None:
    catalog = catalog_of(language)
    assert catalog.num_plurals == 2
    assert set(messages(catalog)) == set(POT_IDS), "Run `make messages` to update the catalogs"
    assert not catalog.obsolete


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_msgid_is_translated(language: str) -> None:
    catalog = messages(catalog_of(language))
    untranslated = [
        message_id
        for message_id in POT_IDS
        if message_id not in catalog
        or catalog[message_id].fuzzy
        or not all(text.strip() for _source, text in pairs(catalog[message_id]))
        or (catalog[message_id].pluralizable and len(pairs(catalog[message_id])) != 2)
    ]
    assert not untranslated, f"Untranslated or fuzzy in {language}: {untranslated}"


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = []
    for message in messages(catalog_of(language)).values():
        for source, text in pairs(message):
            if not text:
                continue  # untranslated (allowed in English): the msgid is shown
            if placeholders(text) != placeholders(source):
                wrong.append((source, text))
                continue
            try:
                text % sample_values(text)  # templates format every string, even without variables
            except (KeyError, ValueError, TypeError) as error:
                wrong.append((source, f"{text} ({error})"))
    assert not wrong, f"Placeholders differ from the msgid in {language}: {wrong}"


@pytest.fixture
def language():
    tokens = []

    def use(code: str) -> None:
        tokens.append(i18n.set_language(code))

    yield use
    for token in reversed(tokens):
        i18n.reset_language(token)


def test_swedish_is_the_default() -> None:
    assert i18n.current_language() == "sv"
    assert i18n.gettext("Departments") == "Avdelningar"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("sv", "Verksamhetsstödsområden"), ("nb", "Støtteområder"), ("en", "Support-service areas")],
)
def test_gettext_follows_the_language(language, code: str, expected: str) -> None:
    language(code)
    assert i18n.gettext("Support-service areas") == expected
    assert str(i18n.lazy_gettext("Support-service areas")) == expected


def test_variables_and_plurals(language) -> None:
    language("sv")
    assert i18n.gettext("Edit %(name)s", name="IT") == "Redigera IT"
    assert i18n.ngettext("%(num)d department", "%(num)d departments", 1) == "1 avdelning"
    assert i18n.ngettext("%(num)d department", "%(num)d departments", 3) == "3 avdelningar"
    language("en")
    assert i18n.gettext("Edit %(name)s", name="IT") == "Edit IT"
    assert i18n.ngettext("%(num)d department", "%(num)d departments", 3) == "3 departments"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_running_catalog_is_the_po_file(language, code: str) -> None:
    """Every entry of the .po file comes out of registry.i18n (compiled in memory) unchanged."""
    language(code)
    runtime = i18n.translations(code)
    for message in messages(catalog_of(code)).values():
        if message.fuzzy or not all(text for _source, text in pairs(message)):
            continue  # reported by test_every_msgid_is_translated
        if message.pluralizable:
            assert runtime.ngettext(message.id[0], message.id[1], 1) == message.string[0]
            assert runtime.ngettext(message.id[0], message.id[1], 5) == message.string[1]
        else:
            assert runtime.gettext(message.id) == message.string


def test_templates_are_translated(language) -> None:
    from registry.web.templating import environment

    template = environment().from_string(
        '{{ _("Save") }} · {{ _("Delete %(name)s?", name="IT") }} · {{ ngettext("%(num)d department", '
        '"%(num)d departments", 2) }}'
    )
    language("sv")
    assert template.render() == "Spara · Ta bort IT? · 2 avdelningar"
    language("nb")
    assert template.render() == "Lagre · Slette IT? · 2 avdelinger"
    language("en")
    assert template.render() == "Save · Delete IT? · 2 departments"
