"""The permission matrix: every route of the URL conf, every role, what each one gets.

Each row of MATRIX is one route with its URL arguments and one real method, and the
outcome for every role in ROLES (the columns, in order). One test per row sends the
request once per role, each inside a savepoint that is rolled back, so what one role
changes never reaches the next. The world (`world` fixture) is built once for the module
inside a transaction that is rolled back at its end: building it per row would triple
the run time (~0.2 s a row), and no row can change it.

Cells:
    200, 201, 204, 400, 403, 404, 405 ... the status code.
    LOGIN  a redirect to a log-in page (the view needs an account).
    GO     a redirect elsewhere, on a row that changes nothing we watch.
    DONE   a redirect, and the row's probe saw the change happen.
    NOPE   a redirect, and nothing changed (refused with a message, or already so).
    "200 no-op"  a 2xx answer that changed nothing (probe unchanged).
A row with a probe also fails when an error answer still changed something
("403 changed!"), and a row with a check fails when a success shows someone else's
data ("200 wrong data!").

test_every_route_is_in_the_matrix walks django.urls.get_resolver(): a new route fails
it until it gets a row here, or a place (with a reason) in OUTSIDE_MATRIX.

Objects are named by the people they belong to: "owner" is the participant whose draft,
submitted and published entries, upload, videos, caption, registration and vote the
rows try to reach; "other" is another participant (who has entries of their own);
"minor" is 14 and their guardian has not agreed yet. Moderator and organiser work for
the network of the challenges; "mod_x" and "org_x" (two columns beyond the eight roles of
issue 5) for another network, because permissions.py scopes both roles to a network.
"""

from __future__ import annotations

from tests.permission_matrix import (
    rows_accounts,
    rows_badges,
    rows_challenges,
    rows_console,
    rows_moderation,
    rows_site,
    rows_transcoding,
    rows_voting,
    rows_workshops,
)
from tests.permission_matrix.rows import Row

MATRIX: list[Row] = [
    *rows_site.ROWS,
    *rows_accounts.ROWS,
    *rows_workshops.ROWS,
    *rows_challenges.ROWS,
    *rows_transcoding.ROWS,
    *rows_badges.ROWS,
    *rows_voting.ROWS,
    *rows_console.ROWS,
    *rows_moderation.ROWS,
]
