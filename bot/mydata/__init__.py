"""/mydata: everything the bot stores about a member, and erasing it."""
