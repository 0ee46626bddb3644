"""The `orientation` command line: knowledge base, staff tools, benchmarks."""
