"""Local fake platforms serving a generated world; tests and the demo never touch the internet.

Which app serves which platform is read from :data:`crawler.platforms.SPECS`.
"""
