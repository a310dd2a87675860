"""The one spoiler policy every feature asks (see PRODUCT.md, "The spoiler model"): rules, masking, keywords."""

from bot.policy.masking import mask, mask_chunks, unmask
from bot.policy.rules import Mode, SpoilerPolicy, SpoilerRules, Treatment

__all__ = ["Mode", "SpoilerPolicy", "SpoilerRules", "Treatment", "mask", "mask_chunks", "unmask"]
