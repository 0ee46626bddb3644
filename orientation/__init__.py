"""The `orientation` command line: knowledge base, staff tools, measuring tools (the top of the import graph)."""
