"""Settings: `base` holds everything, `dev` / `test` / `prod` change only what differs."""
