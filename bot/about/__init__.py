"""/about: the data pack, its sources and the bot's version."""
