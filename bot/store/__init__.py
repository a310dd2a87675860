"""The store: the one place that holds SQL.

`Store` is assembled from query mixins, one per concern, over `StoreBase` (connection, transactions,
migrations). Keeping every query here is what lets the store move to another database as one
module's work.
"""

from bot.store.base import StoreBase, StoreError
from bot.store.content import ContentQueries
from bot.store.rules import RuleQueries


class Store(RuleQueries, ContentQueries, StoreBase):
    """Open with `await Store.open(path)`; `":memory:"` works for tests."""


__all__ = ["Store", "StoreError"]
