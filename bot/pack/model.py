"""A data pack's schema (format: docs/data-pack.md): pydantic models of each file's items, and the
loaded pack. Loading and the checks a schema can't express are in `load`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.pack.terms import Category, Difficulty

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cited(_Model):
    source: Text
    evidence: Text


class Source(_Model):
    id: Id
    file: Text
    title: Text
    kind: Literal["fan-reviews", "explainer", "behind-the-scenes", "news"]
    format: Literal["reviews", "article"]
    author: Text | None = None
    # An article that gives the plot away: its sentences (those after `spoilers_after`, a phrase of the
    # document, when given) are taken to spoil up to `spoils_episode`.
    spoils_episode: int | None = None
    spoilers_after: Text | None = None


class Manifest(_Model):
    id: Id
    title: Text
    platform: Text
    episode_count: int = Field(ge=1, le=500)
    premiere: dt.date
    premiere_source: Text
    premiere_evidence: Text
    sources: list[Source] = Field(min_length=1)


class Alias(Cited):
    name: Text
    kind: Literal["spelling", "nickname", "title", "codename"]
    episode: int | None = None
    note: Text | None = None


class Relationship(Cited):
    to: Id
    relation: Text
    episode: int | None = None


class Fact(Cited):
    text: Text
    episode: int | None = None


class Person(Cited):
    """A real person the documents discuss (author, director, ...); `Cited` covers the bio."""

    id: Id
    name: Text
    role: Text
    bio: Text
    aliases: list[Alias] = []
    relationships: list[Relationship] = []
    facts: list[Fact] = []


class Character(Person):
    unnamed: bool = False
    episode: int | None = None  # set when the character's existence is itself a reveal
    actor: Text | None = None
    actor_source: Text | None = None
    actor_evidence: Text | None = None


class EpisodeTitle(Cited):
    text: Text


class RecapLine(Cited):
    text: Text


class Episode(_Model):
    number: int
    title: EpisodeTitle | None = None
    covered: bool
    summary: Text | None = None
    recap: list[RecapLine] = []
    spoiler_keywords: list[Text] = []


class Question(Cited):
    id: Id
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=250)]
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    wrong: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]]
    difficulty: Difficulty
    category: Category
    episode: int | None = None

    @property
    def options(self) -> list[str]:
        return [self.answer, *self.wrong]


@dataclass(frozen=True)
class Problem:
    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.field}: {self.message}"


@dataclass
class Pack:
    path: Path
    manifest: Manifest
    characters: list[Character]
    people: list[Person]
    episodes: list[Episode]
    questions: list[Question]
    documents: dict[str, str]  # source id -> text, verbatim

    @property
    def sources(self) -> dict[str, Source]:
        return {source.id: source for source in self.manifest.sources}


@dataclass
class LoadResult:
    pack: Pack | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.pack is not None and not self.problems


_WHITESPACE = re.compile(r"\s+")


def normalize_space(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def alias_key(name: str) -> str:
    """What two spellings must share to count as the same alias: case, spaces, dots, hyphens ignored."""
    return re.sub(r"[\s.\-'’_]+", "", name).casefold()
