"""claimmap: map what war-news articles claim happened where in Sumy oblast.

    >>> import claimmap
    >>> claimmap.__version__
    '0.1.0'

The pipeline stages live in their own modules: ingest, extract, gazetteer, resolve, geocode,
claims, events, storage, export, mapview, cli. Importing the package does no work.
"""

__version__ = "0.1.0"
