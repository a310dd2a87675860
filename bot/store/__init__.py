"""The store: the one place that holds SQL.

`Store` is assembled from query mixins, one per concern, over `StoreBase` (connection, transactions,
migrations). Keeping every query here is what lets the store move to another database as one
module's work.
"""

from bot.store.base import StoreBase, StoreError
from bot.store.characters import CharacterQueries
from bot.store.content import ContentQueries
from bot.store.quotes import QuoteQueries
from bot.store.recaps import RecapQueries
from bot.store.rules import RuleQueries
from bot.store.trivia import TriviaQueries


class Store(CharacterQueries, QuoteQueries, TriviaQueries, RecapQueries, RuleQueries, ContentQueries, StoreBase):
    """Open with `await Store.open(path)`; `":memory:"` works for tests."""


__all__ = ["Store", "StoreError"]
