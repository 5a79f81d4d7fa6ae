"""Exchange formats with JPS (docs/formats.md): F1 report file (output), F2 results (input)."""
