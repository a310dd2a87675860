"""End-to-end tests: the real discord.py client stack against a fake Discord on loopback."""
