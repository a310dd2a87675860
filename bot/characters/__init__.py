"""Character lookup: a Discord-free name matcher and service over the store (see matcher.py)."""

from bot.characters.matcher import CharacterIndex, EntryKind, Figure, Outcome, Resolution, Suggestion
from bot.characters.normalize import keys, spelling_key
from bot.characters.service import AliasInfo, CastListing, CharacterService, FactInfo, FigureCard, RelationInfo

__all__ = [
    "AliasInfo", "CastListing", "CharacterIndex", "CharacterService", "EntryKind", "FactInfo", "Figure",
    "FigureCard", "Outcome", "RelationInfo", "Resolution", "Suggestion", "keys", "spelling_key",
]
