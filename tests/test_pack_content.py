"""Content checks for the shipped Trauma Code data pack (data/trauma-code).

These tests are about the *data*, not the loader: minimum sizes, citations that really are in the
documents, spellings from the documents that must lead to the right figure, spoiler gating that is
consistent with the episodes' spoiler keywords, and questions the documents cannot answer staying
unanswered (the bot must say "not covered" rather than guess).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.pack.ingest import ingest
from bot.pack.load import load_pack
from bot.pack.model import Character, LoadResult, Pack, Person, alias_key, normalize_space
from bot.policy.keywords import quote_episode

PACK_DIR = Path(__file__).resolve().parent.parent / "data" / "trauma-code"
CONTENT_FILES = {"manifest.yaml", "characters.yaml", "people.yaml", "episodes.yaml"}


@pytest.fixture(scope="module")
def result() -> LoadResult:
    return load_pack(PACK_DIR)


@pytest.fixture(scope="module")
def pack(result: LoadResult) -> Pack:
    assert result.pack is not None, [str(p) for p in result.problems]
    return result.pack


def figures(pack: Pack) -> list[Person]:
    return [*pack.characters, *pack.people]


def by_id(pack: Pack, figure_id: str) -> Person:
    matches = [f for f in figures(pack) if f.id == figure_id]
    assert len(matches) == 1, f"expected one figure with id {figure_id!r}, found {len(matches)}"
    return matches[0]


def resolve(pack: Pack, name: str) -> set[str]:
    """Ids of every figure whose canonical name or alias matches `name` (case/space/hyphen-insensitive)."""
    key = alias_key(name)
    return {f.id for f in figures(pack) if key in {alias_key(f.name), *(alias_key(a.name) for a in f.aliases)}}


def citations(pack: Pack) -> Iterator[tuple[str, str, str]]:
    """(where, source, evidence) for every citation in the files this suite owns."""
    m = pack.manifest
    yield "manifest premiere", m.premiere_source, m.premiere_evidence
    for f in figures(pack):
        yield f"{f.id} bio", f.source, f.evidence
        if isinstance(f, Character) and f.actor:
            yield f"{f.id} actor", f.actor_source or "", f.actor_evidence or ""
        for a in f.aliases:
            yield f"{f.id} alias {a.name}", a.source, a.evidence
        for r in f.relationships:
            yield f"{f.id} relationship {r.to}", r.source, r.evidence
        for x in f.facts:
            yield f"{f.id} fact {x.text[:30]}", x.source, x.evidence
    for e in pack.episodes:
        if e.title:
            yield f"episode {e.number} title", e.title.source, e.title.evidence
        for line in e.recap:
            yield f"episode {e.number} recap {line.text[:30]}", line.source, line.evidence


# ----------------------------------------------------------------------------------- validity


def test_content_files_have_no_problems(result: LoadResult) -> None:
    mine = [str(p) for p in result.problems if p.file in CONTENT_FILES]
    assert mine == []


def test_whole_pack_loads_without_problems(result: LoadResult) -> None:
    assert [str(p) for p in result.problems] == []
    assert result.ok


def test_every_evidence_phrase_is_verbatim_in_its_source(pack: Pack) -> None:
    """Checked here too (not only in the validator), exactly: case, curly quotes and dashes count."""
    documents = {sid: normalize_space(text) for sid, text in pack.documents.items()}
    missing = [
        f"{where}: {source}: {evidence!r}"
        for where, source, evidence in citations(pack)
        if source not in documents or normalize_space(evidence) not in documents[source]
    ]
    assert missing == []


def test_every_source_is_a_listed_document(pack: Pack) -> None:
    assert set(pack.documents) == {s.id for s in pack.manifest.sources}
    assert len(pack.documents) == 5


# ----------------------------------------------------------------------------------- floors


def test_character_floor_includes_unnamed_figures(pack: Pack) -> None:
    assert len(pack.characters) >= 12
    assert sum(c.unnamed for c in pack.characters) >= 3
    assert sum(not c.unnamed for c in pack.characters) >= 8


def test_people_floor(pack: Pack) -> None:
    assert len(pack.people) >= 4


def test_exactly_eight_episodes_numbered_one_to_eight(pack: Pack) -> None:
    assert pack.manifest.episode_count == 8
    assert sorted(e.number for e in pack.episodes) == list(range(1, 9))


def test_trivia_floor(pack: Pack) -> None:
    assert len(pack.questions) >= 80


def test_ids_are_unique_across_characters_and_people(pack: Pack) -> None:
    ids = [f.id for f in figures(pack)]
    assert len(ids) == len(set(ids))


# ----------------------------------------------------------------------------------- names

SAME_FIGURE = {
    "baek-kang-hyuk": [
        "Baek Kang-hyuk",
        "Baek Kang-Hyuk",
        "Baek Gang-hyeok",
        "Baek Gang Hyeok",
        "Kang-hyuk",
        "Kang-Hyuk",
        "Gang-hyeok",
        "Dr. Baek",
        "Dr Beak",
        "Malak",
        "the hand of God",
    ],
    "yang-jae-won": [
        "Yang Jae-won",
        "Yang Jae-Won",
        "Jae-won",
        "Jae-Won",
        "Dr. Yang",
        "Anus",
        "Dr Anus",
        "No.1 (Slave)",
    ],
    "cheon-jang-mi": ["Cheon Jang-mi", "Cheon Jang-Mi", "Jang-Mi", "Jang-mi"],
    "han-yu-rim": ["Han Yu-Rim", "Han Yurim", "Dr Han Yurim", "Dr. Han"],
    "park-gyeong-won": ["Park Gyeong-won", "Park Gyeong-Won", "Dr. Park"],
    "kang-myung-hui": ["Kang Myung-hui", "Minister Myeong", "Minister of Health and Welfare"],
    "choi-jo-eun": ["Choi Jo-eun", "Choi JoEun", "Director Choi JoEun", "hospital president Choi", "Jo-eun"],
    "hong-jae-hoon": ["Hong Jae-hoon"],
    "lee-hyeon-jong": ["Lee Hyeon-jong", "Hyeon-jong", "Captain Lee"],
    "hansanleega": ["Hansanleega", "Lee Nak-jun"],
    "lee-gook-jong": ["Lee Gook-jong", "이국종", "이국종 교수"],
    "lee-do-yoon": ["Lee Do-yoon", "Director Lee"],
    "choi-tae-kang": ["Choi Tae-kang"],
}


@pytest.mark.parametrize(
    ("figure_id", "spelling"), [(fid, s) for fid, spellings in SAME_FIGURE.items() for s in spellings]
)
def test_spellings_from_the_documents_resolve_to_one_figure(pack: Pack, figure_id: str, spelling: str) -> None:
    # the spelling is really used by a document (so this list cannot drift into invented names) ...
    assert any(spelling in normalize_space(text) for text in pack.documents.values()), spelling
    # ... and it leads to exactly that figure
    assert resolve(pack, spelling) == {figure_id}


def test_no_name_points_at_two_figures(pack: Pack) -> None:
    owners: dict[str, set[str]] = {}
    for f in figures(pack):
        for name in [f.name, *(a.name for a in f.aliases)]:
            owners.setdefault(alias_key(name), set()).add(f.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_real_people_are_not_characters_and_actors_are_not_people(pack: Pack) -> None:
    character_keys = {alias_key(c.name) for c in pack.characters}
    people_keys = {alias_key(p.name) for p in pack.people} | {alias_key(a.name) for p in pack.people for a in p.aliases}
    actor_keys = {alias_key(c.actor) for c in pack.characters if c.actor}
    assert not character_keys & people_keys
    assert not actor_keys & people_keys


def test_actors_are_named_by_their_own_evidence(pack: Pack) -> None:
    for c in pack.characters:
        if c.actor:
            assert c.actor in (c.actor_evidence or ""), c.id


def test_the_leads_have_their_documented_actors(pack: Pack) -> None:
    assert by_id(pack, "baek-kang-hyuk").actor == "Ju Ji-hoon"
    assert by_id(pack, "yang-jae-won").actor == "Choo Young-woo"
    assert by_id(pack, "cheon-jang-mi").actor == "Ha Young"


def test_reveal_aliases_are_gated(pack: Pack) -> None:
    malak = next(a for a in by_id(pack, "baek-kang-hyuk").aliases if a.name == "Malak")
    assert malak.kind == "codename"
    assert malak.episode == 7


# ----------------------------------------------------------------------------------- spoilers


def _keywords(pack: Pack) -> list[tuple[int, str]]:
    return [(e.number, k) for e in pack.episodes for k in e.spoiler_keywords]


def test_reveals_of_the_last_episodes_have_spoiler_keywords(pack: Pack) -> None:
    keywords = {n: {k.casefold() for k in e.spoiler_keywords} for e in pack.episodes for n in [e.number]}
    assert {"black wings", "malak", "south sudan"} <= keywords[7]
    assert {"oxygen tanks", "real name"} <= keywords[8]


def test_ungated_text_names_no_later_spoiler_keyword(pack: Pack) -> None:
    """Bios, roles and episode-less aliases/relationships/facts are shown to everyone: they must
    not contain a spoiler keyword. A figure gated as a whole (`episode:` on the character, like the
    militia commander) is shown only past that episode, so its card may name that episode's keywords."""
    leaks = []
    for f in figures(pack):
        whole = getattr(f, "episode", None) or 0
        ungated = [f.role, f.bio, f.evidence]
        ungated += [t for a in f.aliases if a.episode is None for t in (a.name, a.note or "", a.evidence)]
        ungated += [t for r in f.relationships if r.episode is None for t in (r.relation, r.evidence)]
        ungated += [t for x in f.facts if x.episode is None for t in (x.text, x.evidence)]
        for number, keyword in _keywords(pack):
            k = keyword.casefold()
            if number <= whole:
                continue
            leaks += [f"{f.id}: {keyword!r} (episode {number}) in {t!r}" for t in ungated if k in t.casefold()]
    assert leaks == []


def test_ungated_evidence_does_not_quote_a_gated_passage(pack: Pack) -> None:
    """An evidence phrase shown with ungated content must not contain the evidence of a spoiler."""
    gated: list[tuple[str, str]] = []  # (source, evidence) of anything gated to an episode
    ungated: list[tuple[str, str, str]] = []  # (where, source, evidence)
    for f in figures(pack):
        ungated.append((f"{f.id} bio", f.source, f.evidence))
        if isinstance(f, Character) and f.actor:
            ungated.append((f"{f.id} actor", f.actor_source or "", f.actor_evidence or ""))
        for item in [*f.aliases, *f.relationships, *f.facts]:
            if item.episode:
                gated.append((item.source, item.evidence))
            else:
                ungated.append((f"{f.id} {type(item).__name__}", item.source, item.evidence))
    gated += [(line.source, line.evidence) for e in pack.episodes for line in e.recap]
    leaks = [
        f"{where}: {evidence!r} quotes {g_evidence!r}"
        for where, source, evidence in ungated
        for g_source, g_evidence in gated
        if source == g_source and normalize_space(g_evidence) in normalize_space(evidence)
    ]
    assert leaks == []


def test_gated_text_is_gated_at_least_as_late_as_its_keywords(pack: Pack) -> None:
    early = []
    for f in figures(pack):
        gated = [(a.episode, f"{a.name} {a.note or ''}") for a in f.aliases if a.episode]
        gated += [(r.episode, r.relation) for r in f.relationships if r.episode]
        gated += [(x.episode, x.text) for x in f.facts if x.episode]
        for episode, text in gated:
            for number, keyword in _keywords(pack):
                if keyword.casefold() in text.casefold() and number > episode:
                    early.append(f"{f.id}: {text!r} gated at {episode} names {keyword!r} of episode {number}")
    for e in pack.episodes:
        for line in e.recap:
            for number, keyword in _keywords(pack):
                if keyword.casefold() in line.text.casefold() and number > e.number:
                    early.append(f"episode {e.number} recap names {keyword!r} of episode {number}")
    assert early == []


def test_a_quote_restating_gated_content_is_gated_at_least_as_late(pack: Pack) -> None:
    """/quote shows sentences of the documents; one that holds the evidence of a gated fact, recap line
    or trivia question must not show it in the clear before that episode (through a spoiler keyword,
    its review's spoiler flag, or its place in a spoiler article), or a search gives it away."""
    passages, sentences = ingest(pack)
    flagged = {(p.source, p.position) for p in passages if p.spoiler_flag}
    keywords = _keywords(pack)
    gated = [(x.source, x.evidence, x.episode, f"{f.id}: {x.text}") for f in figures(pack) for x in f.facts
             if x.episode]
    gated += [(line.source, line.evidence, e.number, f"episode {e.number}: {line.text}")
              for e in pack.episodes for line in e.recap]
    gated += [(q.source, q.evidence, q.episode, q.id) for q in pack.questions if q.episode]
    early = []
    for sentence in sentences:
        text = normalize_space(sentence.text)
        episode = quote_episode(sentence.text, (sentence.source, sentence.passage_position) in flagged, keywords,
                                pack.manifest.episode_count, sentence.spoils) or 0
        early += [f"{where} (episode {number}) is quoted as episode {episode or None}: {sentence.text!r}"
                  for source, evidence, number, where in gated
                  if source == sentence.source and number > episode and normalize_space(evidence) in text]
    assert early == []


def test_what_a_fact_says_each_document_calls_it_matches_the_documents(pack: Pack) -> None:
    """Hansanleega's fact compares the documents' words for his story: the behind-the-scenes article
    says both "web novel" and "webtoon", so the fact must not make it a web-novel-only source."""
    fact = next(x.text for x in by_id(pack, "hansanleega").facts if "webtoon" in x.text)
    behind = pack.documents["behind-the-scenes"]
    assert "web novel" in behind and "webtoon" in behind
    assert "behind-the-scenes article uses both" in fact


def test_figurative_wording_is_quoted_not_told_as_an_event(pack: Pack) -> None:
    """The story explainer's "it hijacks a helicopter" is the writer's flourish about how the show
    opens, not a documented hijacking: episode 1's recap quotes it instead of retelling it."""
    (line,) = next(e for e in pack.episodes if e.number == 1).recap
    assert "“hijacks a helicopter, cracks open a skull mid-air”" in line.text
    assert "taken over" not in line.text


# ----------------------------------------------------------------------------------- episodes


def test_covered_episodes_have_recaps_and_uncovered_ones_have_none(pack: Pack) -> None:
    for e in pack.episodes:
        if e.covered:
            assert e.summary and e.recap, e.number
        else:
            assert not e.recap and not e.summary, e.number


def test_episodes_described_by_the_documents_are_covered(pack: Pack) -> None:
    covered = {e.number for e in pack.episodes if e.covered}
    # 3: "the end of the 3rd episode"; 6: "In Episode 6"; 7: "In Episode 7" / "seventh episode";
    # 8: "In the last episode", "near the end of ep 8"
    assert {3, 6, 7, 8} <= covered
    # the news piece previews episodes 1 to 4 only as a whole, and nothing describes episode 5
    assert {2, 4, 5}.isdisjoint(covered)


def test_recap_lines_cite_their_episode(pack: Pack) -> None:
    """Spot checks that placement evidence names the episode it is filed under."""
    recap = {e.number: " ".join(line.evidence for line in e.recap) for e in pack.episodes}
    assert "3rd episode" in recap[3]
    assert "Episode 6" in recap[6]
    assert "Episode 7" in recap[7] and "seventh episode" in recap[7]
    assert "last episode" in recap[8] and "ep 8" in recap[8]


# ----------------------------------------------------------------------------------- unanswerable

_MONTH_OR_YEAR = re.compile(
    r"\b(20[2-9]\d|january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)


def _all_content_text(pack: Pack) -> list[str]:
    texts = []
    for f in figures(pack):
        texts += [f.name, f.role, f.bio, *(a.name for a in f.aliases), *(a.note or "" for a in f.aliases)]
        texts += [r.relation for r in f.relationships] + [x.text for x in f.facts]
        if isinstance(f, Character) and f.actor:
            texts.append(f.actor)
    for e in pack.episodes:
        texts += [e.summary or "", *(line.text for line in e.recap)]
        if e.title:
            texts.append(e.title.text)
    return texts


def test_no_season_two_release_date_anywhere(pack: Pack) -> None:
    """No document dates a second season, so nothing in the pack may."""
    dated = [
        t for t in _all_content_text(pack) if re.search(r"season|S2", t, re.IGNORECASE) and _MONTH_OR_YEAR.search(t)
    ]
    assert dated == []
    for q in pack.questions:
        if re.search(r"season 2|second season|S2", q.question, re.IGNORECASE):
            assert not _MONTH_OR_YEAR.search(q.answer), q.id


@pytest.mark.parametrize("figure_id", ["baek-father", "han-daughter", "militia-commander"])
def test_unnamed_figures_stay_unnamed(pack: Pack, figure_id: str) -> None:
    """Baek's father's name, Dr. Han's daughter's name, who plays the militia commander: unknown."""
    figure = by_id(pack, figure_id)
    assert isinstance(figure, Character)
    assert figure.unnamed is True
    assert figure.actor is None and figure.actor_source is None and figure.actor_evidence is None
    assert [a.name for a in figure.aliases] == []


def test_every_unnamed_figure_has_no_actor(pack: Pack) -> None:
    assert [c.id for c in pack.characters if c.unnamed and c.actor] == []


def test_actors_the_documents_do_not_name_are_left_out(pack: Pack) -> None:
    # nobody in the documents is credited with playing the anesthesiologist or the captain
    assert by_id(pack, "park-gyeong-won").actor is None
    assert by_id(pack, "lee-hyeon-jong").actor is None


def test_no_document_names_an_episode_title(pack: Pack) -> None:
    # "Keep On Running" (a review's name for the end of episode 3) is kept as a recap line, not a title
    assert [e.number for e in pack.episodes if e.title] == []


def test_uncovered_episode_has_nothing_to_tell(pack: Pack) -> None:
    fifth = next(e for e in pack.episodes if e.number == 5)
    assert not fifth.covered and fifth.recap == [] and fifth.summary is None and fifth.title is None
