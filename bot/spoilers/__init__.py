"""/spoilers: moderators set the server's spoiler rules; the optional spoiler guard."""
