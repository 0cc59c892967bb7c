"""What the document's custom string formats mean, for schemathesis (loaded through
SCHEMATHESIS_HOOKS by tests/contract/run_schemathesis.py).

`format: timezone` (the `Timezone` schema) names the IANA zones this server knows: its
pattern admits any zone-shaped string, and a made-up one is refused (422), so schema-valid
data is generated from the zone database the server checks against."""

from __future__ import annotations

from zoneinfo import available_timezones

import schemathesis
from hypothesis import strategies as st

schemathesis.openapi.format("timezone", st.sampled_from(sorted(available_timezones())))
