"""Rasa custom actions (rasa-sdk). Thin: resolve the turn, ask `knowledge`, return a neutral answer."""
