"""The email channel: read a customer's mail, decide whether the bot may answer it, write the reply."""
