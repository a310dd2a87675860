"""The bot process: the `Bot` subclass, its command tree, deliberate command sync, and start-up."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import signal
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.errors import UserError
from bot.policy import SpoilerPolicy
from bot.seeding import open_seeded_store
from bot.settings import ConfigError, Settings
from bot.store import Store

log = logging.getLogger(__name__)

# Every cog module in bot/cogs/, loaded in this order. A fixed tuple, not a directory scan, so a stray
# file can never add commands by accident.
EXTENSIONS: tuple[str, ...] = ("bot.about.cog", "bot.characters.cog", "bot.quotes.cog", "bot.trivia.cog",
                               "bot.mydata.cog", "bot.recaps.cog", "bot.spoilers.cog", "bot.spoilers.guard_cog")

APOLOGY = "Sorry, something went wrong on our side. It has been logged; please try again in a moment."
TREE_HASH_KEY = "synced_tree_hash"


def make_intents(settings: Settings) -> discord.Intents:
    """Guilds only; messages and their content just when the operator turns the spoiler guard on."""
    intents = discord.Intents.none()
    intents.guilds = True
    if settings.spoiler_guard:
        intents.guild_messages = True
        intents.message_content = True
    return intents


class NotAllowed(app_commands.CheckFailure):
    """A check's refusal: the member may not do this here; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GoldenHourTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await answer_error(interaction, error)


def user_message(error: Exception) -> str | None:
    """The member-facing sentence for an expected error, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(error.__cause__, UserError):
        error = error.__cause__  # an option type's own sentence (common/options.py)
    if isinstance(error, UserError | NotAllowed):
        return error.message
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.MissingPermissions | app_commands.MissingAnyRole | app_commands.MissingRole):
        return "You don't have permission to use this command here."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I need these permissions in this channel first: {missing}."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.TransformerError):
        return f"That value isn't valid for this option: {discord.utils.escape_markdown(str(error.value))[:100]}"
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return "This command has changed since your app loaded it; please try again in a minute."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


async def answer_error(interaction: discord.Interaction, error: Exception) -> None:
    message = user_message(error)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("Unhandled error in /%s", command, exc_info=error)
        message = APOLOGY
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not tell the member about an error", exc_info=True)


class GoldenHourBot(commands.Bot):
    """Dependencies come in through the constructor; `setup_hook` prepares the store and the cogs."""

    def __init__(self, *, settings: Settings, store: Store, sync_commands: bool = True,
                 guild_ready_timeout: float = 2.0) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=make_intents(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=GoldenHourTree,
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,  # how long READY waits for more GUILD_CREATEs
        )
        self.settings = settings
        self.store = store
        self.spoilers = SpoilerPolicy(store)
        self.sync_on_start = sync_commands
        self.version = __version__
        # What holds members' data in memory registers here to drop a member's on /mydata delete, so no
        # feature needs to know another.
        self.member_forgetters: list[Callable[[int], None]] = []
        self.page_sources: dict[str, Any] = {}  # kind of list -> its pages (common/pager.py)

    async def setup_hook(self) -> None:
        await self.store.migrate()  # a no-op when the CLI already opened it at the latest version
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.sync_on_start:
            await sync_commands(self)

    async def close(self) -> None:
        await super().close()


def tree_fingerprint(tree: app_commands.CommandTree) -> str:
    """A hash of the registration payload, to skip re-registering an unchanged tree."""
    payload = [command.to_dict(tree) for command in tree.get_commands()]
    payload += [command.to_dict(tree) for command in tree.get_commands(type=discord.AppCommandType.message)]
    blob = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


async def sync_commands(bot: GoldenHourBot, *, force: bool = False) -> str:
    """Register commands sparingly, because Discord rate-limits registration.

    With a dev guild: copy the tree there (instant, cheap). Otherwise: globally, only when the tree's
    fingerprint differs from the last one synced, or when forced (`goldenhour sync`).
    """
    if bot.settings.dev_guild_id:
        guild = discord.Object(bot.settings.dev_guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
        log.info("Synced %d commands to dev guild %s", len(synced), guild.id)
        return "guild"
    fingerprint = tree_fingerprint(bot.tree)
    if not force and await bot.store.get_meta(TREE_HASH_KEY) == fingerprint:
        log.info("Command tree unchanged since the last global sync; not syncing")
        return "unchanged"
    synced = await bot.tree.sync()
    await bot.store.set_meta(TREE_HASH_KEY, fingerprint)
    log.info("Synced %d commands globally", len(synced))
    return "global"


async def run_bot(settings: Settings, *, sync_only: bool) -> int:
    """Open the store, seed it if empty, then run (or just sync) until SIGINT/SIGTERM."""
    token = settings.require_token()
    store = await open_seeded_store(settings)
    try:
        bot = GoldenHourBot(settings=settings, store=store, sync_commands=not sync_only)
        async with bot:
            try:
                await bot.login(token)
            except discord.LoginFailure as exc:
                raise ConfigError("Discord rejected DISCORD_TOKEN; copy it again from the developer portal.") from exc
            except (aiohttp.ClientError, OSError) as exc:
                raise ConfigError(f"Cannot reach Discord: {exc}") from exc
            if sync_only:
                result = await sync_commands(bot, force=True)
                print(f"Commands synced ({result}).")
                return 0
            _install_signal_handlers(bot)
            try:
                await bot.connect(reconnect=True)
            except discord.PrivilegedIntentsRequired as exc:
                raise ConfigError(
                    "The spoiler guard needs the Message Content intent: enable it in the developer portal "
                    "(Bot > Privileged Gateway Intents) or set GOLDENHOUR_SPOILER_GUARD=off."
                ) from exc
    finally:
        await store.close()
    return 0


def _install_signal_handlers(bot: GoldenHourBot) -> None:
    loop = asyncio.get_running_loop()

    closing: set[asyncio.Task[None]] = set()

    def stop(*_: Any) -> None:
        log.info("Shutting down")
        task = loop.create_task(bot.close())
        closing.add(task)
        task.add_done_callback(closing.discard)

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop)
        except NotImplementedError:  # Windows
            signal.signal(sig, stop)
