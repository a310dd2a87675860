"""The pack format's fixed vocabularies (docs/data-pack.md), apart from the pydantic models so the
running bot can offer them as choices without loading the validator."""

from __future__ import annotations

import typing
from typing import Literal

Difficulty = Literal["easy", "medium", "hard"]
Category = Literal["cast", "characters", "plot", "production", "reception"]
DIFFICULTIES: tuple[str, ...] = typing.get_args(Difficulty)
CATEGORIES: tuple[str, ...] = typing.get_args(Category)
