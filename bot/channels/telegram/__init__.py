"""Telegram channel: forwards messages to Rasa's REST channel and renders its replies (python -m bot.channels.telegram)."""
