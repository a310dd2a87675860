"""Discord's documented limits, written down once.

Discord answers a request over any of these with 400 and the member sees nothing (or "The application
did not respond"). The renderers cut their text to fit them; the tests' checks of Discord's rules
(tests/discord_rules/payloads.py, tests/discord_rules/commands.py), plugged into the fake Discord, refuse
what goes over them, as Discord does. Only what Discord documents is here, nothing stricter.

Sources: discord.com/developers/docs — Message resource (create message), Embed limits, Message
components, Interactions > Receiving and responding (callbacks, autocomplete), Application commands
(naming, option rules, registration).
"""

from __future__ import annotations

# -- messages ------------------------------------------------------------------------------------------
CONTENT = 2000
EMBEDS = 10  # per message

# -- embeds --------------------------------------------------------------------------------------------
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256  # and not empty
FIELD_VALUE = 1024  # and not empty
FOOTER = 2048
AUTHOR = 256  # the author's name
EMBED_TOTAL = 6000  # title, description, fields, footer and author of every embed of one message, summed

# -- components ----------------------------------------------------------------------------------------
ACTION_ROWS = 5
ROW_BUTTONS = 5  # a select fills its row alone
CUSTOM_ID = 100  # at least 1, unique within the message
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100  # an option's label, value and description
SELECT_PLACEHOLDER = 150
MODAL_TITLE = 45

# -- interactions --------------------------------------------------------------------------------------
CHOICES = 25  # autocomplete answers and a registered option's choices
CHOICE_NAME = 100  # at least 1
CHOICE_VALUE = 100  # string choice values
INITIAL_RESPONSE_SECONDS = 3.0  # from INTERACTION_CREATE to the callback
FOLLOW_UP_SECONDS = 15 * 60  # the interaction token's lifetime

# -- command registration ------------------------------------------------------------------------------
COMMAND_NAME = 32  # at least 1
COMMAND_NAME_PATTERN = r"^[-_\p{L}\p{N}]{1,32}$"  # chat-input commands and options, lowercase where it has one
COMMAND_DESCRIPTION = 100  # at least 1 (context-menu commands take none)
COMMAND_OPTIONS = 25  # per command or subcommand; required ones before optional ones
COMMAND_TOTAL = 4000  # names, descriptions and choice names/values of one command, summed
STRING_OPTION_LENGTH = 6000  # the largest min_length/max_length a string option may declare
CHAT_COMMANDS = 100  # per scope (global, or one guild)
CONTEXT_COMMANDS = 15  # per type (user, message) and scope
