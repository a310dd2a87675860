"""Discord cogs: thin glue from interactions to services and the renderer."""
