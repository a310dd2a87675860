"""Load and validate a data pack (format: docs/data-pack.md).

Validation never stops at the first problem: every item is checked on its own and every problem is
reported as file + item + field, so a pack author fixes them all in one pass instead of reading
tracebacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.pack.model import (
    Character,
    Episode,
    LoadResult,
    Manifest,
    Pack,
    Person,
    Problem,
    Question,
    alias_key,
    normalize_space,
)

M = TypeVar("M", bound=BaseModel)


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def problem(self, file: str, item: str, fld: str, message: str) -> None:
        self.problems.append(Problem(file, item, fld, message))

    def read_yaml(self, name: str) -> Any:
        path = self.root / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problem(name, "-", "-", "file is missing")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(name, "-", "-", f"cannot read: {exc}")
            return None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "-"
            self.problem(name, where, "-", f"not valid YAML: {getattr(exc, 'problem', exc)}")
            return None

    def items(self, name: str, key: str, model: type[M], label: str) -> list[M]:
        data = self.read_yaml(name)
        if data is None:
            return []
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            self.problem(name, "-", key, f"expected a top-level `{key}:` list")
            return []
        adapter = TypeAdapter(model)
        parsed: list[M] = []
        for index, raw in enumerate(data[key]):
            item = f"#{index + 1}"
            if isinstance(raw, dict) and raw.get(label) is not None:
                item = f"{label} {raw[label]}"
            try:
                parsed.append(adapter.validate_python(raw))
            except ValidationError as exc:
                for error in exc.errors():
                    self.problem(name, item, _field_path(error["loc"]), error["msg"])
        return parsed

    def manifest(self) -> Manifest | None:
        data = self.read_yaml("manifest.yaml")
        if data is None:
            return None
        try:
            return Manifest.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.problem("manifest.yaml", "manifest", _field_path(error["loc"]), error["msg"])
            return None


def _field_path(loc: Iterable[Any]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "-"


def load_pack(root: Path) -> LoadResult:
    """Load the pack at `root`; `result.ok` only when there is no problem at all."""
    root = Path(root)
    loader = _Loader(root)
    if not root.is_dir():
        loader.problem(str(root), "-", "-", "data pack folder does not exist")
        return LoadResult(None, loader.problems)
    manifest = loader.manifest()
    characters = loader.items("characters.yaml", "characters", Character, "id")
    people = loader.items("people.yaml", "people", Person, "id")
    episodes = loader.items("episodes.yaml", "episodes", Episode, "number")
    questions = loader.items("trivia.yaml", "questions", Question, "id")
    if manifest is None:
        return LoadResult(None, loader.problems)
    documents = _read_documents(loader, manifest)
    pack = Pack(root, manifest, characters, people, episodes, questions, documents)
    _Checker(loader, pack).run()
    return LoadResult(pack, loader.problems)


def _read_documents(loader: _Loader, manifest: Manifest) -> dict[str, str]:
    documents: dict[str, str] = {}
    seen: set[str] = set()
    for index, source in enumerate(manifest.sources):
        where = f"sources[{index}]"
        if source.id in seen:
            loader.problem("manifest.yaml", f"source {source.id}", "id", "duplicate source id")
        seen.add(source.id)
        path = (loader.root / source.file).resolve()
        if loader.root.resolve() not in path.parents:
            loader.problem("manifest.yaml", f"source {source.id}", f"{where}.file", "must be inside the pack")
            continue
        try:
            documents[source.id] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            loader.problem("manifest.yaml", f"source {source.id}", f"{where}.file", f"cannot read: {exc}")
    return documents


class _Checker:
    """Cross-item rules that a schema cannot express."""

    def __init__(self, loader: _Loader, pack: Pack) -> None:
        self.loader = loader
        self.pack = pack
        self.normalized = {sid: normalize_space(text) for sid, text in pack.documents.items()}
        self.lowered = {sid: text.casefold() for sid, text in self.normalized.items()}

    def run(self) -> None:
        manifest = self.pack.manifest
        self.cite("manifest.yaml", "manifest", "premiere_", manifest.premiere_source, manifest.premiere_evidence)
        for index, source in enumerate(manifest.sources):
            item = f"source {source.id}"
            self.episode("manifest.yaml", item, f"sources[{index}].spoils_episode", source.spoils_episode)
            if source.spoilers_after:
                if source.spoils_episode is None:
                    self.loader.problem("manifest.yaml", item, f"sources[{index}].spoilers_after",
                                        "needs spoils_episode too")
                self.cite("manifest.yaml", item, f"sources[{index}].spoilers_after_", source.id,
                          source.spoilers_after)
        self.figures("characters.yaml", self.pack.characters)
        self.figures("people.yaml", self.pack.people)
        self.unique_ids()
        self.aliases()
        self.relationships()
        self.episodes()
        self.questions()

    def cite(self, file: str, item: str, fld: str, source: str | None, evidence: str | None) -> None:
        """Check one citation; `fld` is the key path prefix of its `source`/`evidence` pair
        ("" for an item's own top-level pair, "actor_" for the actor's, "facts[2]." for a fact's)."""
        if not source or not evidence:
            self.loader.problem(file, item, f"{fld}evidence", "needs both a source and an evidence phrase")
            return
        if source not in self.pack.documents:
            if source not in self.pack.sources:
                self.loader.problem(file, item, f"{fld}source", f"unknown source {source!r}")
            return
        if normalize_space(evidence) not in self.normalized[source]:
            self.loader.problem(
                file, item, f"{fld}evidence", f"phrase not found verbatim in {source}: {evidence!r}"
            )

    def episode(self, file: str, item: str, fld: str, episode: int | None) -> None:
        count = self.pack.manifest.episode_count
        if episode is not None and not 1 <= episode <= count:
            self.loader.problem(file, item, fld, f"episode {episode} is outside 1..{count}")

    def figures(self, file: str, figures: list[Person]) -> None:
        for figure in figures:
            item = f"id {figure.id}"
            self.cite(file, item, "", figure.source, figure.evidence)
            if isinstance(figure, Character):
                self.episode(file, item, "episode", figure.episode)
                if figure.actor:
                    self.cite(file, item, "actor_", figure.actor_source, figure.actor_evidence)
                if figure.unnamed and figure.actor:
                    self.loader.problem(file, item, "actor", "an unnamed figure cannot have a named actor")
            for i, alias in enumerate(figure.aliases):
                self.cite(file, item, f"aliases[{i}].", alias.source, alias.evidence)
                self.episode(file, item, f"aliases[{i}].episode", alias.episode)
            for i, rel in enumerate(figure.relationships):
                self.cite(file, item, f"relationships[{i}].", rel.source, rel.evidence)
                self.episode(file, item, f"relationships[{i}].episode", rel.episode)
            for i, fact in enumerate(figure.facts):
                self.cite(file, item, f"facts[{i}].", fact.source, fact.evidence)
                self.episode(file, item, f"facts[{i}].episode", fact.episode)

    def unique_ids(self) -> None:
        seen: dict[str, str] = {}
        for file, figures in (("characters.yaml", self.pack.characters), ("people.yaml", self.pack.people)):
            for figure in figures:
                if figure.id in seen:
                    self.loader.problem(file, f"id {figure.id}", "id", f"id already used in {seen[figure.id]}")
                seen[figure.id] = file

    def aliases(self) -> None:
        """A name (canonical or alias) may point at one figure only, or lookups become guesses."""
        owner: dict[str, str] = {}
        figures = [("characters.yaml", f) for f in self.pack.characters]
        figures += [("people.yaml", f) for f in self.pack.people]
        for file, figure in figures:
            names = [("name", figure.name)] + [(f"aliases[{i}]", a.name) for i, a in enumerate(figure.aliases)]
            for fld, name in names:
                key = alias_key(name)
                other = owner.setdefault(key, figure.id)
                if other != figure.id:
                    self.loader.problem(file, f"id {figure.id}", fld, f"{name!r} is also a name of {other}")

    def relationships(self) -> None:
        known = {f.id for f in self.pack.characters} | {f.id for f in self.pack.people}
        for file, figures in (("characters.yaml", self.pack.characters), ("people.yaml", self.pack.people)):
            for figure in figures:
                for i, rel in enumerate(figure.relationships):
                    if rel.to not in known:
                        self.loader.problem(
                            file, f"id {figure.id}", f"relationships[{i}].to", f"unknown id {rel.to!r}"
                        )

    def episodes(self) -> None:
        file = "episodes.yaml"
        count = self.pack.manifest.episode_count
        numbers = [e.number for e in self.pack.episodes]
        for episode in self.pack.episodes:
            item = f"number {episode.number}"
            self.episode(file, item, "number", episode.number)
            if numbers.count(episode.number) > 1:
                self.loader.problem(file, item, "number", "episode listed twice")
            if episode.title:
                self.cite(file, item, "title.", episode.title.source, episode.title.evidence)
            if episode.covered and not (episode.summary and episode.recap):
                self.loader.problem(file, item, "recap", "a covered episode needs a summary and recap lines")
            if not episode.covered and episode.recap:
                self.loader.problem(file, item, "recap", "an episode marked not covered cannot have a recap")
            for i, line in enumerate(episode.recap):
                self.cite(file, item, f"recap[{i}].", line.source, line.evidence)
            for i, keyword in enumerate(episode.spoiler_keywords):
                if not any(keyword.casefold() in text for text in self.lowered.values()):
                    self.loader.problem(file, item, f"spoiler_keywords[{i}]", f"{keyword!r} is in no document")
        missing = sorted(set(range(1, count + 1)) - set(numbers))
        if self.pack.episodes and missing:
            self.loader.problem(file, "-", "episodes", f"missing episodes: {missing}")

    def questions(self) -> None:
        file = "trivia.yaml"
        seen_ids: set[str] = set()
        seen_text: dict[str, str] = {}
        for question in self.pack.questions:
            item = f"id {question.id}"
            if question.id in seen_ids:
                self.loader.problem(file, item, "id", "duplicate question id")
            seen_ids.add(question.id)
            text_key = normalize_space(question.question).casefold()
            if text_key in seen_text:
                self.loader.problem(file, item, "question", f"same question as {seen_text[text_key]}")
            seen_text.setdefault(text_key, question.id)
            if len(question.wrong) != 3:
                self.loader.problem(file, item, "wrong", f"needs exactly 3 wrong answers, has {len(question.wrong)}")
            options = [normalize_space(o).casefold() for o in question.options]
            if len(set(options)) != len(options):
                self.loader.problem(file, item, "wrong", "the four options must be distinct (one correct answer)")
            self.episode(file, item, "episode", question.episode)
            self.cite(file, item, "", question.source, question.evidence)
