"""Errors that carry the sentence a member should read.

Raise `UserError` (bad input, nothing found) from a command or a service; checks raise
`NotAllowed`. The tree's error handler turns both into a short ephemeral reply; anything else is a
bug, logged with its traceback and answered with an apology.
"""

from __future__ import annotations

from discord import app_commands


class UserError(app_commands.AppCommandError):
    """Expected, member-caused failure. `message` is shown to the member as is (already escaped)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(app_commands.CheckFailure):
    """The member may not do this here."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
