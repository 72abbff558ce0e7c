"""Local fake platforms serving a generated world; tests and the demo never touch the internet."""
