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
