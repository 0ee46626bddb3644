"""The channels students and staff talk through: REST, web chat, staff console, Telegram (and their guard)."""
