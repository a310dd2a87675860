"""Turn service results into Discord messages (embeds, views, plain text).

The cogs and the offline console both render through here, so a member on Discord and an operator in
the console see the same thing. Discord's size limits are enforced here, in one place.
"""
