"""The matrix's rows for the moderation routes."""

from __future__ import annotations

from tests.permission_matrix.probes import count, entry_field
from tests.permission_matrix.rows import DONE, GET, LOGIN, NOPE, POST, R, Row
from videoawards.moderation.models import Report

# fmt: off
ROWS: list[Row] = [
    # --- Moderation ---------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("moderation:queue", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   200,   200,   200,   200),
    R("moderation:approve", {"pk": "@e_sub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   DONE,  DONE,  404,   404,
      probe=entry_field("e_sub", "state")),
    R("moderation:approve", {"pk": "@e_sub"}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("moderation:reject", {"pk": "@e_sub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   DONE,  DONE,  404,   404,
      data={"reason": "Please cut the music."}, probe=entry_field("e_sub", "state")),
    # The personal-data guard: an entry with findings goes back with the prepared note; one
    # without findings is refused (nothing to send back), and approving with findings
    # waits for the moderator's tick.
    R("moderation:send_back", {"pk": "@e_sub_phone"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   DONE,  DONE,  404,   404,
      probe=entry_field("e_sub_phone", "state")),
    R("moderation:send_back", {"pk": "@e_sub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   NOPE,  NOPE,  404,   404,
      probe=entry_field("e_sub", "state")),
    R("moderation:send_back", {"pk": "@e_sub_phone"}, GET,
                          405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("moderation:approve", {"pk": "@e_sub_phone"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   NOPE,  NOPE,  404,   404,
      probe=entry_field("e_sub_phone", "state"), label="personal data unconfirmed"),
    R("moderation:decide", {"pk": "@e_pub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   DONE,  DONE,  404,   404,
      data={"decision": "hide", "reason": "Shows a phone number."},
      probe=entry_field("e_pub", "hidden_at")),
    # Anyone may report a published entry; an entry nobody may see cannot be reported.
    R("moderation:report", {"pk": "@e_pub"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("moderation:report", {"pk": "@e_pub"}, POST,
                          DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"reason": "spam", "details": ""}, probe=count(Report)),
    R("moderation:report", {"pk": "@e_sub"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("moderation:report", {"pk": "@e_sub"}, POST,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404,
      data={"reason": "spam", "details": ""}, probe=count(Report)),
    R("moderation:audit_log", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200),
]
# fmt: on
