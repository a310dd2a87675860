"""Golden Hour: a spoiler-safe Discord bot for TV fan communities."""

__version__ = "0.1.0"
