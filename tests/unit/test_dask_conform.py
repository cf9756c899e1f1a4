"""``runestream.dask._worker.conform``: a partition's table recoded to the graph's schema.

Metadata columns arrive dictionary-encoded (small integer indices per row over a few strings);
they are recoded through their dictionaries, and give exactly what recoding their text gives.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from runestream.dask._worker import conform

SCHEMA = pa.schema(
    [
        pa.field("value", pa.float64()),
        pa.field("stream_id", pa.dictionary(pa.int32(), pa.string())),
    ]
)
DICTIONARIES = {"stream_id": ["s0", "s1", "s2"]}


def _chunk(ids: list[str | None], dictionary: list[str]) -> pa.DictionaryArray:
    indices = pa.array([None if i is None else dictionary.index(i) for i in ids], pa.int8())
    return pa.DictionaryArray.from_arrays(indices, pa.array(dictionary))


def test_dictionary_chunks_are_recoded_like_their_text() -> None:
    chunks = [
        _chunk(["s2", "s0", None], ["s0", "s2"]),
        _chunk(["s1", "unknown"], ["unknown", "s1"]),
    ]
    encoded = pa.table({"value": [1, 2, 3, 4, 5], "stream_id": pa.chunked_array(chunks)})
    text = encoded.set_column(1, "stream_id", pc.cast(encoded.column("stream_id"), pa.string()))
    typed = conform(encoded, SCHEMA, DICTIONARIES)
    assert typed.equals(conform(text, SCHEMA, DICTIONARIES))
    assert typed.schema == SCHEMA
    assert typed.column("stream_id").to_pylist() == ["s2", "s0", None, "s1", None]
    assert typed.column("value").to_pylist() == [1.0, 2.0, 3.0, 4.0, 5.0]
