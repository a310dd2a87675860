"""The character matcher (over the real pack, loaded without a database, so hundreds of cases stay
fast) and the service (against a real seeded database). No Discord here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.synthetic_characters import synthetic_index
from bot.characters import CharacterIndex, CharacterService, EntryKind, Figure, Outcome, Resolution, keys
from bot.pack.load import load_pack
from bot.policy import Mode, SpoilerRules
from bot.seeding import seed
from bot.store import Store
from tests.conftest import MINI_PACK, REAL_PACK

PUBLIC = SpoilerRules(Mode.MASK, 0)  # the default: nothing seen
FINALE = SpoilerRules(Mode.MASK, 8)  # everything seen
OFF = SpoilerRules(Mode.OFF, 0)


def _yaml_figures() -> list[dict]:
    characters = yaml.safe_load((REAL_PACK / "characters.yaml").read_text(encoding="utf-8"))["characters"]
    people = yaml.safe_load((REAL_PACK / "people.yaml").read_text(encoding="utf-8"))["people"]
    return [*characters, *people]


YAML_FIGURES = _yaml_figures()
def _gate(*episodes: int | None) -> int | None:
    """An alias of a figure gated as a whole is gated at least as late as the figure."""
    return max((e for e in episodes if e is not None), default=None)


YAML_ALIASES = [(f["id"], a["name"], _gate(a.get("episode"), f.get("episode")))
                for f in YAML_FIGURES for a in f.get("aliases") or []]
GATED_ALIASES = [a for a in YAML_ALIASES if a[2] is not None]


def _index_from_pack() -> CharacterIndex:
    """The index the service would build from a seeded store, straight from the pack files."""
    pack = load_pack(REAL_PACK).pack
    assert pack is not None
    figures = [Figure(c.id, "character", c.name, c.role, c.actor, c.unnamed, i, episode=c.episode)
               for i, c in enumerate(pack.characters)]
    figures += [Figure(p.id, "person", p.name, p.role, None, False, i) for i, p in enumerate(pack.people)]
    aliases = [(f.id, a.name, a.episode) for f in [*pack.characters, *pack.people] for a in f.aliases]
    return CharacterIndex(figures, aliases)


INDEX = _index_from_pack()


class _Matcher:
    """The real pack's index with the service's call shapes, for the many sync cases below."""

    index = INDEX

    async def resolve(self, query: str, allows: object) -> Resolution:
        return INDEX.resolve(query, allows)  # type: ignore[arg-type]

    def complete(self, query: str, allows: object) -> list:
        return INDEX.complete(query, allows)  # type: ignore[arg-type]


@pytest.fixture
def matcher() -> _Matcher:
    return _Matcher()


@pytest.fixture
async def service(seeded_store: Store) -> CharacterService:
    built = CharacterService(seeded_store)
    await built.reload()
    return built


async def test_the_service_builds_the_same_index_as_the_pack(service: CharacterService) -> None:
    assert {(e.figure_id, e.text, e.episode, e.kind) for e in service.index.entries} == {
        (e.figure_id, e.text, e.episode, e.kind) for e in INDEX.entries}
    assert [f.id for f in service.index.ordered()] == [f.id for f in INDEX.ordered()]


def test_keys_ignore_case_spaces_hyphens_dots_and_titles() -> None:
    assert keys("Baek Kang-hyuk").full == keys("baek  kanghyuk").full == keys("BAEK KANG HYUK").full
    assert keys("Dr. Baek").bare == keys("Doctor Baek").bare == keys("Baek").bare == "baek"
    assert keys("Dr. Baek").title == keys("Doctor Baek").title == "dr"
    assert keys("Gang-hyeok").sound == keys("Kang-hyuk").sound  # romanization variants fold together
    assert keys("Myeong").sound == keys("Myung").sound
    assert keys("The Chief").bare == "chief" and keys("Dr.").bare == "dr"  # never strips the last word
    assert keys("🙂 ** @ ").sound == ""


@pytest.mark.parametrize("text", ["Dr. Baek", "  baek -- KANG-hyuk ", "Han's", "a_b c", "O'Neil\x1cJr", "\t\n",
                                  "Ju Ji-hoon (actor)", "No.1 slave", "#@!", "X Æ A-12", "Gang-hyeók"])
def test_words_takes_a_shortcut_for_ascii_that_gives_the_same_words(text: str) -> None:
    from bot.characters import normalize

    folded = normalize._fold_accents(text).casefold()
    assert normalize.words(text) == [w for w in (normalize._NON_WORD.sub("", w) for w in folded.split()) if w]
    assert normalize.sound("paekkank") == "paekank" and normalize.sound("ganghyeokk") == "kankhyuk"


@pytest.mark.parametrize(("owner", "alias", "episode"), YAML_ALIASES, ids=[a[1] for a in YAML_ALIASES])
async def test_every_alias_in_the_yaml_resolves_to_its_owner(matcher: _Matcher, owner: str, alias: str,
                                                              episode: int | None) -> None:
    rules = FINALE if episode else PUBLIC
    result = await matcher.resolve(alias, rules.allows)
    assert result.outcome is Outcome.FOUND, (alias, result)
    assert result.figure.id == owner


@pytest.mark.parametrize("figure", YAML_FIGURES, ids=[f["id"] for f in YAML_FIGURES])
async def test_every_name_and_actor_resolves(matcher: _Matcher, figure: dict) -> None:
    rules = FINALE if figure.get("episode") else PUBLIC
    for text in filter(None, (figure["name"], figure.get("actor"), figure["name"].upper())):
        result = await matcher.resolve(text, rules.allows)
        assert result.outcome is Outcome.FOUND and result.figure.id == figure["id"], (text, result)


@pytest.mark.parametrize("figure", [f for f in YAML_FIGURES if f.get("episode")], ids=lambda f: f["id"])
async def test_a_figure_whose_existence_is_a_reveal_is_not_found_before_it(matcher: _Matcher, figure: dict) -> None:
    episode = figure["episode"]
    for text in [figure["name"], *(a["name"] for a in figure.get("aliases") or [])]:
        before = await matcher.resolve(text, SpoilerRules(Mode.MASK, episode - 1).allows)
        assert figure["id"] not in [f.id for f in before.figures if before.outcome is Outcome.FOUND], text
        assert figure["id"] not in [s.figure.id for s in matcher.complete(text[:4], PUBLIC.allows)]
    before = SpoilerRules(Mode.MASK, episode - 1).allows
    # nor by its id (what autocomplete submits, but anyone can type it), nor in the nothing-typed-yet list
    assert figure["id"] not in [f.id for f in (await matcher.resolve(figure["id"], before)).figures]
    assert figure["id"] not in [s.figure.id for s in matcher.complete("", before)]
    assert figure["id"] in [s.figure.id for s in matcher.complete("", SpoilerRules(Mode.MASK, episode).allows)]
    after = await matcher.resolve(figure["name"], SpoilerRules(Mode.MASK, episode).allows)
    assert after.outcome is Outcome.FOUND and after.figure.id == figure["id"]
    by_id = await matcher.resolve(figure["id"], SpoilerRules(Mode.MASK, episode).allows)
    assert by_id.outcome is Outcome.FOUND and by_id.figure.id == figure["id"]


@pytest.mark.parametrize(("typed", "owner"), [
    ("kang hyuk", "baek-kang-hyuk"), ("Kanghyuk", "baek-kang-hyuk"), ("Dr. Baek", "baek-kang-hyuk"),
    ("Gang-hyeok", "baek-kang-hyuk"), ("doctor baek", "baek-kang-hyuk"), ("  BAEK   kang-HYUK ", "baek-kang-hyuk"),
    ("Baek Kanghyk", "baek-kang-hyuk"), ("the hand of god", "baek-kang-hyuk"), ("Ju Ji Hoon", "baek-kang-hyuk"),
    ("Jaewom", "yang-jae-won"), ("Yang Jaewon", "yang-jae-won"), ("anus", "yang-jae-won"),
    ("Choo Yeong-woo", "yang-jae-won"), ("no.1 slave", "yang-jae-won"),
    ("Cheon Jangmi", "cheon-jang-mi"), ("nurse cheon", "cheon-jang-mi"), ("Ha-young", "cheon-jang-mi"),
    ("Park Kyung-won", "park-gyeong-won"), ("Dr Park", "park-gyeong-won"),
    ("Yoon Gyung Ho", "han-yu-rim"), ("Han Yurim", "han-yu-rim"),
    ("Kang Myeong-hui", "kang-myung-hui"), ("Minister Kang", "kang-myung-hui"), ("minister myung", "kang-myung-hui"),
    ("Director Choi", "choi-jo-eun"), ("Choi Joeun", "choi-jo-eun"),
    ("han's daughter", "han-daughter"), ("chief", "the-chief"),
    ("Hansanleega", "hansanleega"), ("Lee Nak-jun", "hansanleega"), ("Director Lee", "lee-do-yoon"),
    ("이국종", "lee-gook-jong"), ("Professor Lee Gook-jong", "lee-gook-jong"), ("Lee Guk-jong", "lee-gook-jong"),
    ("choi tae kang", "choi-tae-kang"), ("baek-kang-hyuk", "baek-kang-hyuk"),
])
async def test_forgiving_spellings_typos_titles_and_nicknames(matcher: _Matcher, typed: str,
                                                              owner: str) -> None:
    result = await matcher.resolve(typed, PUBLIC.allows)
    assert result.outcome is Outcome.FOUND, (typed, result)
    assert result.figure.id == owner


async def test_a_gated_figure_is_forgiving_too_once_allowed(matcher: _Matcher) -> None:
    result = await matcher.resolve("Lee Hyun-jong", FINALE.allows)
    assert result.outcome is Outcome.FOUND and result.figure.id == "lee-hyeon-jong"


async def test_a_reveal_alias_matches_nothing_before_its_episode(matcher: _Matcher) -> None:
    hidden = await matcher.resolve("Malak", PUBLIC.allows)
    assert hidden.outcome is Outcome.NOT_FOUND
    assert "baek-kang-hyuk" not in [f.id for f in hidden.figures]
    assert (await matcher.resolve("Malak", SpoilerRules(Mode.MASK, 6).allows)).outcome is Outcome.NOT_FOUND
    for rules in (SpoilerRules(Mode.MASK, 7), OFF):
        shown = await matcher.resolve("Malak", rules.allows)
        assert shown.outcome is Outcome.FOUND and shown.figure.id == "baek-kang-hyuk"
    assert (await matcher.resolve("No. 2", PUBLIC.allows)).outcome is Outcome.NOT_FOUND


@pytest.mark.parametrize(("owner", "alias", "episode"), GATED_ALIASES, ids=[a[1] for a in GATED_ALIASES])
def test_a_reveal_alias_never_appears_in_autocomplete_before_its_episode(matcher: _Matcher, owner: str,
                                                                          alias: str, episode: int) -> None:
    before = SpoilerRules(Mode.MASK, episode - 1)
    for typed in (alias, alias[:3], alias.lower()):
        assert all(s.matched != alias for s in matcher.complete(typed, before.allows))
    after = SpoilerRules(Mode.MASK, episode)
    assert any(s.matched == alias and s.figure.id == owner for s in matcher.complete(alias, after.allows))


async def test_a_title_never_matches_someone_with_another_title(matcher: _Matcher) -> None:
    """`Captain Lee` (a reveal) must not quietly become `Director Lee` before the reveal."""
    result = await matcher.resolve("Captain Lee", PUBLIC.allows)
    assert result.outcome is not Outcome.FOUND or result.figure.id != "lee-do-yoon"
    assert (await matcher.resolve("Captain Lee", FINALE.allows)).figure.id == "lee-hyeon-jong"


@pytest.mark.parametrize(("typed", "expected"), [
    ("Choi", {"choi-jo-eun", "choi-tae-kang"}),
    ("Kang", {"baek-kang-hyuk", "kang-myung-hui"}),
])
async def test_two_figures_matching_equally_is_ambiguous(matcher: _Matcher, typed: str,
                                                         expected: set[str]) -> None:
    result = await matcher.resolve(typed, PUBLIC.allows)
    assert result.outcome is Outcome.AMBIGUOUS
    assert {f.id for f in result.figures} == expected


async def test_bad_input_outcomes(matcher: _Matcher) -> None:
    assert (await matcher.resolve("", PUBLIC.allows)).outcome is Outcome.EMPTY
    assert (await matcher.resolve("  -- .. ", PUBLIC.allows)).outcome is Outcome.EMPTY
    assert (await matcher.resolve("🙂🙂", PUBLIC.allows)).outcome is Outcome.EMPTY
    assert (await matcher.resolve("x" * 101, PUBLIC.allows)).outcome is Outcome.TOO_LONG
    missing = await matcher.resolve("Zzyzx Qwerty", PUBLIC.allows)
    assert missing.outcome is Outcome.NOT_FOUND and missing.figures == []
    near = await matcher.resolve("won", PUBLIC.allows)
    assert near.outcome is Outcome.NOT_FOUND and "yang-jae-won" in [f.id for f in near.figures]


def test_autocomplete_ranks_prefixes_first_and_stays_within_25(matcher: _Matcher) -> None:
    everyone = matcher.complete("", PUBLIC.allows)
    unrevealed = [f for f in matcher.index.figures.values() if f.episode is None]
    assert len(everyone) == min(25, len(unrevealed))
    assert everyone[0].figure.id == "baek-kang-hyuk" and not everyone[0].figure.is_person
    kang = matcher.complete("kang", PUBLIC.allows)
    assert {s.figure.id for s in kang[:2]} == {"baek-kang-hyuk", "kang-myung-hui"}
    assert len({s.figure.id for s in kang}) == len(kang) <= 25
    actor = matcher.complete("Ju Ji", PUBLIC.allows)[0]
    assert actor.figure.id == "baek-kang-hyuk" and actor.kind is EntryKind.ACTOR
    assert matcher.complete("Gang-hy", PUBLIC.allows)[0].matched == "Gang-hyeok"
    assert matcher.complete("Dr. Ba", PUBLIC.allows)[0].figure.id == "baek-kang-hyuk"
    assert matcher.complete("x" * 500, PUBLIC.allows) == []


async def test_index_is_rebuilt_after_a_reseed(service: CharacterService) -> None:
    assert (await service.resolve("Dr. Hero", PUBLIC.allows)).outcome is not Outcome.FOUND
    result = await seed(service.store, MINI_PACK)
    assert result.ok, result.problems
    found = await service.resolve("Dr. Hero", PUBLIC.allows)  # refresh notices the new content
    assert found.outcome is Outcome.FOUND and found.figure.id == "dr-hero"
    assert (await service.resolve("Baek Kang-hyuk", PUBLIC.allows)).outcome is Outcome.NOT_FOUND


async def test_autocomplete_notices_a_reseed_only_every_so_often(seeded_store: Store) -> None:
    now = [0.0]
    service = CharacterService(seeded_store, clock=lambda: now[0])
    await service.reload()
    assert (await seed(seeded_store, MINI_PACK)).ok
    await service.refresh_if_due()
    assert service.complete("Dr. Hero", PUBLIC.allows) == []  # checked too recently: no query
    now[0] += 31
    await service.refresh_if_due()
    assert service.complete("Dr. Hero", PUBLIC.allows)[0].figure.id == "dr-hero"


async def test_card_carries_everything_with_episodes_and_sources(service: CharacterService) -> None:
    card = await service.card("baek-kang-hyuk")
    assert card is not None
    assert any(a.name == "Malak" and a.episode == 7 for a in card.aliases)
    assert any(r.to_id == "yang-jae-won" and r.to_name == "Yang Jae-won" for r in card.relationships)
    assert {f.episode for f in card.facts} >= {None, 7, 8}
    assert "The Trauma Code: Heroes on Call ending explained" in card.sources_cited()
    assert await service.card("no-such-id") is None


async def test_cards_follow_a_reseed(service: CharacterService) -> None:
    assert await service.card("baek-kang-hyuk") is not None
    assert (await seed(service.store, MINI_PACK)).ok
    assert await service.card("baek-kang-hyuk") is None  # gone from the new content
    hero = await service.card("dr-hero")
    assert hero is not None and hero.bio and hero.sources_cited()


async def test_cast_listing_names_actors_and_says_who_has_none(service: CharacterService) -> None:
    listing = await service.cast_listing()
    assert [(f.actor, f.name) for f in listing.cast][:2] == [("Ju Ji-hoon", "Baek Kang-hyuk"),
                                                             ("Choo Young-woo", "Yang Jae-won")]
    assert "Park Gyeong-won" in [f.name for f in listing.uncast]
    assert all(not f.is_person for f in listing.cast)


def test_synthetic_pack_of_5000_still_finds_exact_names_and_hides_reveals() -> None:
    index = synthetic_index(5000)
    assert len(index.figures) == 5000
    target = index.figures["synthetic-1234"]
    found = index.resolve(target.name, PUBLIC.allows)
    assert found.outcome is Outcome.FOUND and found.figure.id == target.id
    assert index.complete(target.name, PUBLIC.allows)[0].figure.id == target.id
    gated = next(e for e in index.entries if e.episode is not None and e.episode > 1)
    assert all(s.matched != gated.text for s in index.complete(gated.text, PUBLIC.allows))
    before = index.resolve(gated.text, SpoilerRules(Mode.MASK, gated.episode - 1).allows)
    assert not (before.outcome is Outcome.FOUND and before.figure.id == gated.figure_id)
    assert index.resolve(gated.text, OFF.allows).figure.id == gated.figure_id


async def test_empty_store_builds_an_empty_index(store: Store, tmp_path: Path) -> None:
    service = CharacterService(store)
    await service.reload()
    assert service.complete("baek", PUBLIC.allows) == []
    assert (await service.resolve("baek", PUBLIC.allows)).outcome is Outcome.NOT_FOUND


async def test_cast_listing_leaves_out_what_hide_mode_hides_at_each_horizon(service: CharacterService) -> None:
    names = lambda listing: [f.name for f in listing.uncast]  # noqa: E731
    assert "Lee Hyeon-jong" not in names(await service.cast_listing(SpoilerRules(Mode.HIDE, 6)))
    assert "Lee Hyeon-jong" in names(await service.cast_listing(SpoilerRules(Mode.HIDE, 7)))
    assert "Lee Hyeon-jong" in names(await service.cast_listing(SpoilerRules(Mode.MASK, 0)))  # masked, not left out
    assert "Lee Hyeon-jong" not in names(await service.cast_listing(SpoilerRules(Mode.HIDE, 0)))


def test_autocomplete_forgives_a_typo_at_scale_scoring_a_bounded_slice(monkeypatch) -> None:
    import bot.characters.matcher as matcher_module

    index = synthetic_index(5000)
    target = index.figures["synthetic-1234"]
    typed = keys(target.name).sound
    slipped = typed[:3] + ("x" if typed[3] != "x" else "z") + typed[4:]  # one wrong letter after the first
    scored: list[int] = []
    extract = matcher_module.process.extract

    def counting(query, choices, **kwargs):
        scored.append(len(choices))
        return extract(query, choices, **kwargs)

    monkeypatch.setattr(matcher_module.process, "extract", counting)
    suggestions = index.complete(slipped, PUBLIC.allows)
    assert target.id in [s.figure.id for s in suggestions]
    assert scored and max(scored) <= matcher_module.FUZZY_SCAN < len(index.entries)


@pytest.mark.parametrize(("typed", "owner"), [
    ("C", "choi-jo-eun"),  # on the way to Ch…, which folds to j
    ("Che", "cheon-jang-mi"),  # on the way to Cheon (folded jun)
    ("Lee Hye", "lee-hyeon-jong"),  # Hyeon folds to hyun
    ("Lee Do-yo", "lee-do-yoon"),  # yoon folds to yun
])
def test_autocomplete_keeps_up_while_a_folded_spelling_is_half_typed(matcher: _Matcher, typed: str,
                                                                     owner: str) -> None:
    assert owner in [s.figure.id for s in matcher.complete(typed, FINALE.allows)]


def _counting_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each prefix search autocomplete runs (none when it answers from its cache)."""
    import bot.characters.matcher as matcher_module

    scans: list[str] = []
    prefixed = matcher_module._prefixed

    def counting(keys_: list[str], entries: list, prefix: str) -> list:
        scans.append(prefix)
        return prefixed(keys_, entries, prefix)

    monkeypatch.setattr(matcher_module, "_prefixed", counting)
    return scans


def test_autocomplete_keeps_answers_apart_per_visibility(monkeypatch: pytest.MonkeyPatch) -> None:
    index = _index_from_pack()
    _counting_scans(monkeypatch)
    assert all(s.matched != "Malak" for s in index.complete("Mala", PUBLIC.allows))
    assert any(s.matched == "Malak" for s in index.complete("Mala", FINALE.allows))
    assert all(s.matched != "Malak" for s in index.complete("Mala", PUBLIC.allows))
    hidden = {s.figure.id for s in index.complete("", PUBLIC.allows)}  # the nothing-typed list, too
    assert hidden < {s.figure.id for s in index.complete("", OFF.allows)}


async def test_autocomplete_forgets_its_answers_when_the_content_is_rebuilt(seeded_store: Store) -> None:
    service = CharacterService(seeded_store)
    await service.reload()
    assert service.complete("Dr. Hero", PUBLIC.allows) == []
    assert service.complete("Baek", PUBLIC.allows)[0].figure.id == "baek-kang-hyuk"
    assert (await seed(seeded_store, MINI_PACK)).ok
    await service.refresh()
    assert service.complete("Dr. Hero", PUBLIC.allows)[0].figure.id == "dr-hero"
    assert "baek-kang-hyuk" not in [s.figure.id for s in service.complete("Baek", PUBLIC.allows)]
