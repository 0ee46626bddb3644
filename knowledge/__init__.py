"""The orientation knowledge base: source documents, parsers, store, search and linker.

This package knows nothing of Rasa: actions and tools import it, never the reverse.
"""
