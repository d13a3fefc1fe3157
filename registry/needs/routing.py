"""Routing a new need: which area probably owns it and which departments it probably touches.

`suggest` is pure (no database, no web): it weighs the earlier needs whose words resemble the new
text (their owning area and departments vote, by how alike they are) and the areas and departments
the text names itself. Each suggestion carries its reasons as data (`Reason`), so that a page can say
them in the reader's language; `str(reason)` is the English wording. Swedish is handled lightly:
lower case, no punctuation, common words dropped, words compared by their first five letters.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.i18n import gettext as _

STEM = 5  # letters a word is compared by
SIMILAR_NEEDS = 5  # how many of the most alike earlier needs vote
MIN_SIMILARITY = 0.12  # below this, an earlier need is not alike enough to say anything
NAMED_WEIGHT = 0.6  # what naming an area or department in the text counts, next to one very alike need
HISTORY_LIMIT = 2000  # suggest_for reads this many of the latest routed needs

# Common Swedish (and a few English) words that say nothing about where a need belongs.
_COMMON = """
och i att det som en på är av för med till den har de inte om ett men vi så kan ska från eller när
var vid hade där här detta denna dessa deras vår våra vårt man sig sin sitt sina mot under efter
över utan även också bara mycket många flera alla allt andra annan annat inom mellan genom hur vad
vem vilka vilket vilken vara blir blev bli får fick göra gör gjort behöver behov avd avdelning
avdelningen avdelningar vso the and of to in for
"""
STOPWORDS = frozenset(_COMMON.split())

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Reason:
    kind: str  # "similar": an earlier need is alike; "named": the text names the area or department
    need_id: int | None = None
    title: str = ""
    word: str = ""

    def __str__(self) -> str:
        if self.kind == "similar":
            return _("like #%(id)d “%(title)s”", id=self.need_id or 0, title=self.title)
        return _("the text names “%(word)s”", word=self.word)


@dataclass(frozen=True)
class Suggestion:
    id: int
    name: str
    score: float  # this suggestion's share of all the evidence, 0–1
    reasons: tuple[Reason, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(str(reason) for reason in self.reasons)


@dataclass(frozen=True)
class Routing:
    areas: list[Suggestion] = field(default_factory=list)
    departments: list[Suggestion] = field(default_factory=list)

    def __bool__(self) -> bool:
        """False when there is nothing to suggest (`{% if suggestions %}` in a template)."""
        return bool(self.areas or self.departments)


# ---------------------------------------------------------------- words


def words(text: str) -> list[str]:
    """The words of a text that carry meaning: lower case, no punctuation or digits, no common words."""
    return [word for word in _WORD.findall((text or "").lower()) if len(word) >= 2 and word not in STOPWORDS]


def stem(word: str) -> str:
    return word[:STEM]


def _named(text_words: Iterable[str], name: str) -> tuple[float, str]:
    """How clearly the text names `name` (0–1) and the word it uses. A word names a name's word when one
    begins with the other: 'biblioteket' names 'biblioteket', 'bibliotek' and 'campus' too
    ('campusplanering'), the more so the more of the longer word it covers."""
    best, used = 0.0, ""
    name_words = [word for word in words(name) if len(word) >= 2]
    for word in set(text_words):
        for name_word in name_words:
            shorter, longer = sorted((word, name_word), key=len)
            if shorter == longer or (len(shorter) >= 4 and longer.startswith(shorter)):
                strength = len(shorter) / len(longer)
                if strength >= 0.3 and strength > best:
                    best, used = strength, word
    return best, used


# ---------------------------------------------------------------- suggesting


def suggest(
    text: str, history: pd.DataFrame, areas: pd.DataFrame, departments: pd.DataFrame, limit: int = 3
) -> Routing:
    """Suggest the owning area and the affected departments for a need described by `text`.

    history: earlier needs, columns `id`, `title`, `text`, `owning_area_id`, `department_ids` (a list);
    areas: `id`, `name`; departments: `id`, `name`, optional `short_name` and `area_ids` (a list).
    """
    text_words = words(text)
    if not text_words:
        return Routing()
    area_names = {int(row.id): str(row.name) for row in areas.itertuples()}
    department_names = {int(row.id): str(row.name) for row in departments.itertuples()}
    area_evidence: dict[int, list[tuple[float, Reason]]] = defaultdict(list)
    department_evidence: dict[int, list[tuple[float, Reason]]] = defaultdict(list)

    for similarity, need_id, title, area_id, department_ids in _alike(text_words, history):
        reason = Reason("similar", need_id=need_id, title=title)
        if area_id in area_names:
            area_evidence[area_id].append((similarity, reason))
        for department_id in department_ids:
            if department_id in department_names:
                department_evidence[department_id].append((similarity, reason))

    for area_id, name in area_names.items():
        strength, word = _named(text_words, name)
        if strength:
            area_evidence[area_id].append((NAMED_WEIGHT * strength, Reason("named", word=word)))
    for row in departments.itertuples():
        department_id = int(row.id)
        names = [str(row.name)] + ([str(row.short_name)] if "short_name" in departments.columns else [])
        strength, word = max((_named(text_words, name) for name in names), key=lambda found: found[0])
        if not strength:
            continue
        department_evidence[department_id].append((NAMED_WEIGHT * strength, Reason("named", word=word)))
        for area_id in _ids(getattr(row, "area_ids", None)):
            if area_id in area_names:  # a department named is a hint at its areas, a weaker one
                area_evidence[area_id].append((NAMED_WEIGHT * strength / 2, Reason("named", word=word)))

    return Routing(_ranked(area_evidence, area_names, limit), _ranked(department_evidence, department_names, limit))


def _alike(text_words: list[str], history: pd.DataFrame) -> list[tuple[float, int, str, int | None, list[int]]]:
    """The earlier needs most like the text: (similarity, id, title, owning area, departments), best first.
    Similarity is the cosine of the two texts' word sets, rarer words weighing more (idf)."""
    if history.empty:
        return []
    texts = history["text"] if "text" in history.columns else history["title"]
    documents = [{stem(word) for word in words(str(value))} for value in texts.fillna("")]
    frequency: dict[str, int] = defaultdict(int)
    for document in documents:
        for term in document:
            frequency[term] += 1
    count = len(documents)

    def weight(term: str) -> float:
        return math.log((count + 1) / (frequency.get(term, 0) + 1)) + 1

    query = {stem(word) for word in text_words}
    query_norm = math.sqrt(sum(weight(term) ** 2 for term in query))
    scored = []
    for position, document in enumerate(documents):
        shared = query & document
        if not shared:
            continue
        norm = math.sqrt(sum(weight(term) ** 2 for term in document))
        similarity = sum(weight(term) ** 2 for term in shared) / (query_norm * norm)
        if similarity >= MIN_SIMILARITY:
            scored.append((similarity, position))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    found = []
    for similarity, position in scored[:SIMILAR_NEEDS]:
        row = history.iloc[position]
        area = row.get("owning_area_id")
        found.append(
            (
                round(similarity, 4),
                int(row["id"]),
                str(row.get("title") or row.get("text") or "")[:80],
                None if area is None or pd.isna(area) else int(area),
                _ids(row.get("department_ids")),
            )
        )
    return found


def _ids(value: Any) -> list[int]:
    if value is None or (not isinstance(value, list | tuple | set) and pd.isna(value)):
        return []
    return [int(item) for item in value]


def _ranked(evidence: dict[int, list[tuple[float, Reason]]], names: dict[int, str], limit: int) -> list[Suggestion]:
    totals = {key: sum(weight for weight, _reason in found) for key, found in evidence.items()}
    everything = sum(totals.values())
    if not everything:
        return []
    best = sorted(totals, key=lambda key: (-totals[key], names[key]))[:limit]
    suggestions = []
    for key in best:
        reasons: list[Reason] = []
        for _weight, reason in sorted(evidence[key], key=lambda pair: -pair[0]):
            if reason not in reasons:
                reasons.append(reason)
        suggestions.append(Suggestion(key, names[key], round(totals[key] / everything, 3), tuple(reasons[:2])))
    return suggestions


# ---------------------------------------------------------------- from the register


async def suggest_for(session: AsyncSession, text: str, limit: int = 3) -> Routing:
    """`suggest` against the register: the latest routed needs (at most HISTORY_LIMIT), every area and
    department. Five queries, whatever the size of the registry."""
    from registry.db import models as m

    latest = (
        select(m.Need.id, m.Need.title, m.Need.description, m.Need.owning_area_id)
        .where(m.Need.owning_area_id.is_not(None), m.Need.state != m.NeedState.merged)
        .order_by(m.Need.id.desc())
        .limit(HISTORY_LIMIT)
    )
    rows = (await session.execute(latest)).all()
    ids = [row.id for row in rows]
    of_need: dict[int, list[int]] = defaultdict(list)
    if ids:
        links = await session.execute(
            select(m.NeedDepartment.need_id, m.NeedDepartment.department_id)
            .where(m.NeedDepartment.need_id.in_(ids))
            .order_by(m.NeedDepartment.id)
        )
        for need_id, department_id in links:
            of_need[need_id].append(department_id)
    history = pd.DataFrame(
        {
            "id": ids,
            "title": [row.title for row in rows],
            "text": [f"{row.title} {row.description}" for row in rows],
            "owning_area_id": [row.owning_area_id for row in rows],
            "department_ids": [of_need.get(row.id, []) for row in rows],
        }
    )
    area_rows = (await session.execute(select(m.SupportArea.id, m.SupportArea.name))).all()
    areas = pd.DataFrame([tuple(row) for row in area_rows], columns=["id", "name"])
    memberships: dict[int, list[int]] = defaultdict(list)
    for area_id, department_id in await session.execute(
        select(m.AreaMembership.area_id, m.AreaMembership.department_id)
    ):
        memberships[department_id].append(area_id)
    department_rows = (await session.execute(select(m.Department.id, m.Department.name, m.Department.short_name))).all()
    departments = pd.DataFrame(
        [(row.id, row.name, row.short_name, memberships.get(row.id, [])) for row in department_rows],
        columns=["id", "name", "short_name", "area_ids"],
    )
    return suggest(text, history, areas, departments, limit)
