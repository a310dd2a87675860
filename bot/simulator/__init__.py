"""A fake Discord on loopback for the console and the tests: server.py is what discord.py talks to, fake_discord.py
a member's client, session.py logs the bot in. Discord's payload rules are the tests' (tests/discord_rules)."""
