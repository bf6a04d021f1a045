"""The matrix's rows for the site routes."""

from __future__ import annotations

from tests.permission_matrix.rows import GET, GO, LOGIN, POST, R, Row

# fmt: off
ROWS: list[Row] = [
    # --- Site ---------------------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("home", {}, GET,    200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("healthz", {}, GET, 200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("set_language", {}, POST,
                          GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,
      data={"language": "de", "next": "/"}),
    R("api-schema", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("api-docs", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # The admin lets in staff accounts (the organisers); everyone else is sent to its
    # log-in page.
    R("admin:index", {}, GET,
                          LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200,   LOGIN, 200),
]
# fmt: on
