"""The Cooperation Portal bot: channels, processor, parser, commands and replies."""
