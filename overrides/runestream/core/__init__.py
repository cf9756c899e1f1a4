"""The shared core every API uses: configuration, auth, transport, retries, errors, paging,
CSV/Arrow parsing, outputs, deadlines, cancellation, concurrency and times.

Nothing here knows a particular API: ``runestream.v1``, ``runestream.v2`` and the CLI build on
these modules, never the other way round. The public names are re-exported by ``runestream``.
"""
