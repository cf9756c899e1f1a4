"""Stream data as a ``dask.dataframe.DataFrame``: one partition per (stream, time window).

Needs the optional extra: ``pip install 'runestream[dask]'`` (``dask[dataframe]`` and
``distributed``).

>>> import runestream.dask as rsd  # doctest: +SKIP
>>> streams = session.stream_metadata.get_patient_stream_metadata(patient_id)  # doctest: +SKIP
>>> ddf = rsd.read_streams(streams, "2024-05-01", "2024-05-08", partition="1D")  # doctest: +SKIP
>>> ddf.groupby("stream_id", observed=True).size().compute()  # doctest: +SKIP
>>> by_time = streams.to_dask("2024-05-01", "2024-05-08", index="time")  # doctest: +SKIP

See :func:`read_streams` for the columns, the divisions (known with ``index="time"``), the
requests and how credentials reach the workers. ``runestream.sync.sync(..., scheduler=...)``
uses the same worker sessions.
"""

from __future__ import annotations

from ._read import read_streams

__all__ = ["read_streams"]
