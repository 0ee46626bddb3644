"""One parser per source format. Each exposes `parse(path, meta) -> list[Record]`."""
