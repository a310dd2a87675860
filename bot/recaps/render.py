"""Episode recaps and the episode list, rendered through the spoiler rules.

An episode's summary and recap spoil that episode, so they go through `rules.render(…, number)`.
Titles carry no episode in the pack format (they are not spoilers) and so may stand in embed titles,
which Discord can't spoiler-tag anyway.
"""

from __future__ import annotations

import discord

from bot import limits
from bot.common.embeds import embed, source_footer, truncate
from bot.policy.rules import SpoilerRules, Treatment
from bot.store.recaps import EpisodeInfo

NOT_COVERED = "The sources don't describe this episode on its own, so there is no recap for it."


def episode_heading(episode: EpisodeInfo) -> str:
    return f"Episode {episode.number}" + (f" — {episode.title}" if episode.title else "")


def recap_embed(episode: EpisodeInfo, rules: SpoilerRules, *, private: bool) -> discord.Embed:
    card = embed(episode_heading(episode))
    titles = [episode.title_source] if episode.title and episode.title_source else []
    if not episode.covered:
        card.description = NOT_COVERED
    else:
        lines = [episode.summary] if episode.summary else []
        lines += [f"- {line.text}" for line in episode.recap]
        text = "\n".join(lines)
        treatment = rules.treatment(episode.number)
        if treatment is Treatment.HIDE:
            hint = "" if private else (
                "\nOnce you have seen it, you can read it privately: "
                f"`/progress set episode:{episode.number}`, then `/recap episode:{episode.number} private:True`.")
            card.description = rules.render(text, episode.number) + hint
        else:
            masked = treatment is Treatment.MASK
            intro = f"Spoilers for episode {episode.number}: click to reveal.\n\n" if masked else ""
            card.description = intro + rules.render(text, episode.number, limits.EMBED_DESCRIPTION - len(intro))
            titles += [line.source_title for line in episode.recap]
    footer = " · ".join(p for p in (source_footer(titles), rules.describe()) if p)
    card.set_footer(text=truncate(footer, limits.FOOTER))
    return card


def episodes_embed(show_title: str, episodes: list[EpisodeInfo], rules: SpoilerRules) -> discord.Embed:
    """One line per episode: its one-line summary through the rules, or that the sources are silent."""
    lines = []
    for episode in episodes:
        head = f"**{episode.number}.**" + (f" *{episode.title}* —" if episode.title else "")
        if not episode.covered or not episode.summary:
            lines.append(f"{head} not described on its own by the sources")
        else:
            lines.append(f"{head} {rules.render(episode.summary, episode.number, limits.FIELD_VALUE)}")
    shown: list[str] = []
    for index, line in enumerate(lines):
        rest = f"…and {len(lines) - index} more: ask with `/recap`."
        if len("\n".join([*shown, line])) + len(rest) + 1 > limits.EMBED_DESCRIPTION:
            shown.append(rest)
            break
        shown.append(line)
    card = embed(truncate(f"Episodes — {show_title}", limits.EMBED_TITLE),
                 "\n".join(shown) or "No episodes are loaded.")
    card.set_footer(text=f"Full recap: /recap episode:N · {rules.describe()}")
    return card
