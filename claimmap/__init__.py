"""claimmap: map what war-news articles claim happened where in Sumy oblast.

    >>> import claimmap
    >>> claimmap.__version__
    '0.1.0'

The pipeline's stages are wings, each a package (see the folder list): ``inputs`` (bytes in,
``Article`` records out), ``places`` (mentions found and resolved to places), ``claims`` (what
each sentence claims, merged into events), ``store`` (the database) and ``views`` (map, CSV and
GeoJSON builders). ``records`` and ``errors`` are the ground floor; ``pipeline`` and ``cli`` the
shell. Importing the package does no work.
"""

__version__ = "0.1.0"
