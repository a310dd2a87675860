"""The numbers Discord's API speaks in (gateway opcodes, interaction, component and option types,
permission and intent bits), named once for the fake Discord and its payload checks."""

from __future__ import annotations

# Gateway opcodes
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 9, 10, 11

# Interaction types
APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE_INTERACTION = 2, 3, 4

# Interaction callback types (Discord's InteractionResponseType)
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, AUTOCOMPLETE, MODAL = 1, 4, 5, 6, 7, 8, 9

# Message flags
EPHEMERAL = 1 << 6
COMPONENTS_V2_FLAG = 1 << 15

# Component types and button styles
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
SUCCESS_STYLE, LINK_STYLE, PREMIUM_STYLE = 3, 5, 6

# Application command types and option types
CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3
SUBCOMMAND, SUBCOMMAND_GROUP, STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = range(1, 11)
ATTACHMENT = 11

# Channel types
TEXT_CHANNEL, PUBLIC_THREAD = 0, 11

# Permission bits
MANAGE_GUILD, VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES = 1 << 5, 1 << 10, 1 << 11, 1 << 13
READ_MESSAGE_HISTORY, USE_APPLICATION_COMMANDS = 1 << 16, 1 << 31

# Gateway intents
GUILD_MESSAGES, MESSAGE_CONTENT = 1 << 9, 1 << 15
