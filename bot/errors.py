"""The error that carries the sentence a member should read.

Raise `UserError` (bad input, nothing found) from a command or a Discord-free service. The tree's error
handler (runtime.py) turns it into a short ephemeral reply; anything else is a bug, logged with its
traceback and answered with an apology. Checks raise `NotAllowed` (common/checks.py), the Discord side's
counterpart.
"""

from __future__ import annotations


class UserError(Exception):
    """Expected, member-caused failure. `message` is shown to the member as is (already escaped)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
