"""The one spoiler policy every cog asks (see PRODUCT.md, "The spoiler model")."""

from bot.spoilers.masking import mask, mask_chunks, unmask
from bot.spoilers.policy import Mode, SpoilerPolicy, SpoilerRules, Treatment

__all__ = ["Mode", "SpoilerPolicy", "SpoilerRules", "Treatment", "mask", "mask_chunks", "unmask"]
