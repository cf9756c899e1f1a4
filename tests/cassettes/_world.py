"""What the cassette tests ask for, as plain values: replaying them needs no sandbox at all.

The IDs are the sandbox catalogue's (checked against ``runestream_sandbox`` when recording, see
``conftest.py``); the credentials only matter when recording, since every credential header is
replaced by ``REDACTED`` before a cassette is written and request matching ignores headers.
"""

from __future__ import annotations

import hashlib

# Replays send requests here; the recorded URIs are rewritten to it as well, so cassettes do not
# depend on the port the recording sandbox happened to get. Nothing listens: nothing is sent.
PLACEHOLDER_URL = "http://127.0.0.1:9"
# With --record-mode other than none: record from this sandbox (scripts/record-cassettes sets
# it) or, if unset, from one the fixture starts in-process.
SANDBOX_URL_ENV = "RUNESTREAM_CASSETTE_SANDBOX_URL"

ACCESS_TOKEN_ID = "sandbox-access-token-id"
ACCESS_TOKEN_SECRET = "sandbox-access-token-secret"
CLIENT_KEY_ID = "sandbox-client-key-id"
CLIENT_ACCESS_KEY = "sandbox-client-access-key"
WRONG_SECRET = "wrong-secret-for-the-401-test"

PATIENT_ID = "patient-0001"
OTHER_PATIENT_ID = "patient-0002"
WATCH_ID = "watch-0001"
OTHER_WATCH_ID = "watch-0002"
DBS_ID = "dbs-0001"
SPECIAL_DEVICE_ID = "6*yEo_Mb2#phone"
DAY2 = 1_714_608_000.0  # 2024-05-02T00:00:00Z
NINE = DAY2 + 9 * 3600  # the watch is worn; LFP recordings run hh:10:00-hh:11:00
LFP_START = NINE + 600  # 09:10:00, inside a recording
DATASET_ID = "dataset-" + hashlib.sha256(b"sandbox/patient-0001/watch-session-1").hexdigest()

# What the recording sandbox is started with (spans come 4 to a page, so span results page).
SPAN_PAGE_SIZE = 4

# V2 (``/v2/...``): the sandbox's JWT for ``X-Rune-User-Access-Token`` (redacted like the rest)
# and three of its 64-hex stream ids (the watches' acceleration x and heart rate).
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJydW5lc3RyZWFtLXNhbmRib3giLCJpc3MiOiJzYW5kYm94In0."
    "c2FuZGJveC1qd3Qtc2lnbmF0dXJl"
)
ACCEL_X_STREAM = "5fbbf8da17811bed9905ab33b1e8422fa30b2aa67a9e039022d7b82b4166cd74"
HEART_STREAM = "bc203993c8d71cb054c8b9274319805d0a5e77745eee9d541ad443365fd31492"
OTHER_HEART_STREAM = "64e668ebab7fde12b4dc2a66f3aec4fc59d85478165a085c408e472505252bfa"
DAY1 = DAY2 - 86_400
MORNING = DAY1 + 8 * 3600  # the watches are worn
# V2 data and availability come this many points (bins) to a page when recording.
V2_PAGE_SIZE = 40
