"""Sun tech support: a support chat with a Russian-speaking bot and human operators."""

__version__ = "0.1.0"
