"""A synthetic data pack at benchmark scale, built from the real pack's vocabulary.

It goes straight into the real store (`replace_content`), skipping YAML and the evidence check: the
benchmark measures serving, not loading. Names and sentences reuse real words, so FTS5 and the fuzzy
matcher see realistic token distributions.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

from bot.pack.ingest import Passage, Sentence, ingest
from bot.pack.load import load_pack
from bot.pack.model import Alias, Character, Episode, Fact, Manifest, Pack, Question, RecapLine, Source

REAL_PACK = Path(__file__).resolve().parent.parent / "data" / "trauma-code"
SYLLABLES = ["baek", "kang", "hyuk", "yang", "jae", "won", "cheon", "jang", "mi", "han", "yu", "rim", "choi",
             "jo", "eun", "hong", "hoon", "park", "gyeong", "lee", "hyeon", "jong", "kim", "min", "seo", "ji",
             "woo", "young", "su", "ho", "na", "ra", "do", "yoon", "tae", "joo", "sun", "hee", "chul", "ok"]


def _name(rng: random.Random) -> str:
    surname = rng.choice(["Baek", "Yang", "Cheon", "Han", "Choi", "Hong", "Park", "Lee", "Kim", "Seo", "Jo"])
    given = "-".join(rng.sample(SYLLABLES, 2))
    return f"{surname} {given.capitalize()}"


def synthetic_pack(characters: int = 5_000, questions: int = 10_000, quotes: int = 100_000,
                   seed: int = 7) -> tuple[Pack, list[Passage], list[Sentence]]:
    rng = random.Random(seed)
    real = load_pack(REAL_PACK).pack
    assert real is not None, "the real pack must load"
    _, real_sentences = ingest(real)
    vocabulary = sorted({w for s in real_sentences for w in re.findall(r"[A-Za-z][a-z’'-]+", s.text)})
    source = Source(id="synthetic", file="documents/synthetic.txt", title="Synthetic reviews", kind="fan-reviews",
                    format="reviews")
    manifest = Manifest(id="synthetic", title="Synthetic Show", platform="Bench", episode_count=8,
                        premiere=dt.date(2025, 1, 24), premiere_source="synthetic", premiere_evidence="x",
                        sources=[source])
    cite = {"source": "synthetic", "evidence": "x"}
    used: set[str] = set()
    figures: list[Character] = []
    for index in range(characters):
        name = _name(rng)
        while name.casefold() in used:
            name = f"{_name(rng)} {index}"
        used.add(name.casefold())
        alias = f"{name.split()[1]} {index}"
        used.add(alias.casefold())
        figures.append(Character(
            id=f"c{index}", name=name, role=rng.choice(["Surgeon", "Nurse", "Director", "Anesthesiologist"]),
            bio=" ".join(rng.choices(vocabulary, k=25)), actor=f"{_name(rng)} Actor{index}",
            actor_source="synthetic", actor_evidence="x",
            aliases=[Alias(name=alias, kind="spelling", **cite)],
            facts=[Fact(text=" ".join(rng.choices(vocabulary, k=15)), episode=rng.choice([None, 3, 7, 8]), **cite)
                   for _ in range(3)],
            **cite,
        ))
    episodes = [Episode(number=n, covered=True, summary=f"Episode {n}.",
                        recap=[RecapLine(text=" ".join(rng.choices(vocabulary, k=20)), **cite) for _ in range(4)],
                        spoiler_keywords=[f"keyword{n}"]) for n in range(1, 9)]
    categories = ["cast", "characters", "plot", "production", "reception"]
    trivia = [Question(id=f"q{i}", question=f"Synthetic question {i} about {rng.choice(vocabulary)}?",
                       answer=f"Answer {i}", wrong=[f"Wrong {i}a", f"Wrong {i}b", f"Wrong {i}c"],
                       difficulty=rng.choice(["easy", "medium", "hard"]), category=rng.choice(categories),
                       episode=rng.choice([None, None, 1, 3, 5, 7, 8]), **cite) for i in range(questions)]
    pack = Pack(REAL_PACK, manifest, figures, [], episodes, trivia, {"synthetic": ""})
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    per_passage = 10
    for p in range(quotes // per_passage):
        texts = tuple(" ".join(rng.choices(vocabulary, k=rng.randint(8, 24))).capitalize() + "."
                      for _ in range(per_passage))
        passages.append(Passage("synthetic", p + 1, f"Review {p + 1}", rng.random() < 0.3, (" ".join(texts),)))
        sentences += [Sentence("synthetic", p + 1, i + 1, t) for i, t in enumerate(texts)]
    return pack, passages, sentences
