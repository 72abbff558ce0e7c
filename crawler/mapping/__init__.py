"""Raw payloads → fields, one module per platform (``bluesky``, ``mastodon``, ``x``, ``files``).

Mapping only reads: identification, minimisation and persistence are :mod:`crawler.ingest`.
Which mapper serves which platform is :data:`crawler.platforms.SPECS`.
"""
