"""A fake Discord on loopback, for the offline console and the tests.

gateway.py and server.py are what discord.py connects to (the websocket and the REST API), models.py what
they hold and record, fake_discord.py what members do in their client, payload_limits.py and
command_rules.py the checks Discord makes on what the bot sends, and session.py the driver that logs the
real bot in and offers all of it per server. console.py and text.py show it as text.
"""
