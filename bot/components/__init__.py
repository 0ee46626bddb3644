"""Custom Rasa NLU components, named in config.yml."""
