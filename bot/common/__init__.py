"""Discord glue every feature shares: embeds and text helpers, checks, option types, the pager."""
