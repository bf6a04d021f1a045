"""The matrix's rows for the badges and portfolios routes."""

from __future__ import annotations

from tests.permission_matrix.probes import exists
from tests.permission_matrix.rows import DONE, GET, LOGIN, NOPE, POST, R, Row
from videoawards.badges.models import Portfolio

# fmt: off
ROWS: list[Row] = [
    # --- Badges and portfolios ----------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("badges:issuer", {}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:class", {"kind": "winner"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:class-image", {"kind": "winner"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    # Hosted verification: public by design, names no one.
    R("badges:assertion", {"pk": "@badge"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:my-portfolio", {}, GET,
                          LOGIN, 200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:portfolio-visibility", {}, POST,
                          LOGIN, NOPE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,
      data={"is_public": "1"},
      probe=exists(Portfolio, user="@user", is_public=True)),
    R("badges:portfolio", {"public_id": "@pf_public"}, GET,
                          200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
    R("badges:portfolio", {"public_id": "@pf_owner"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    R("badges:portfolio", {"public_id": "@pf_child"}, GET,
                          404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
]
# fmt: on
