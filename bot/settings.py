"""Settings from the environment (and `.env`), validated once at start-up.

Every setting is documented in `.env.example`. Errors are `ConfigError`s carrying one sentence for the
operator, so the CLI can print them without a traceback.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACK = PROJECT_ROOT / "data" / "trauma-code"
DEFAULT_DATABASE = PROJECT_ROOT / "goldenhour.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is what the operator should read."""


@dataclass(frozen=True)
class Settings:
    token: str | None
    database: Path
    data_pack: Path
    dev_guild_id: int | None
    log_level: str
    spoiler_guard: bool

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read settings from `env` (default: the process environment, after loading `.env`)."""
        if env is None:
            if dotenv:
                load_dotenv(Path.cwd() / ".env", override=False)
            env = dict(os.environ)
        token = env.get("DISCORD_TOKEN", "").strip() or None
        level = env.get("GOLDENHOUR_LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in LOG_LEVELS:
            raise ConfigError(f"GOLDENHOUR_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}.")
        return cls(
            token=token,
            database=Path(env.get("GOLDENHOUR_DATABASE", "").strip() or DEFAULT_DATABASE).expanduser(),
            data_pack=Path(env.get("GOLDENHOUR_DATA_PACK", "").strip() or DEFAULT_PACK).expanduser(),
            dev_guild_id=_optional_int(env, "GOLDENHOUR_DEV_GUILD_ID"),
            log_level=level,
            spoiler_guard=_flag(env, "GOLDENHOUR_SPOILER_GUARD"),
        )

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError("DISCORD_TOKEN is not set.")
        return self.token

    def check_database_path(self) -> None:
        """Fail early, with one line, when the database can't live where it is configured."""
        parent = self.database.parent
        if self.database.is_dir():
            raise ConfigError(f"GOLDENHOUR_DATABASE points at a directory: {self.database}")
        if not parent.is_dir():
            raise ConfigError(f"The database folder does not exist: {parent}")
        if not os.access(parent, os.W_OK) or (self.database.exists() and not os.access(self.database, os.W_OK)):
            raise ConfigError(f"The database path is not writable: {self.database}")


def _optional_int(env: dict[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a numeric Discord id, not {raw!r}.")
    return int(raw)


def _flag(env: dict[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be on or off, not {raw!r}.")


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    logging.getLogger("discord.http").setLevel(logging.WARNING)
