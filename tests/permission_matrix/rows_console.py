"""The matrix's rows for the organiser console routes."""

from __future__ import annotations

from tests.permission_matrix.probes import count, exists, own_network_entries_only
from tests.permission_matrix.rows import DONE, GET, LOGIN, NOOP_200, NOPE, POST, R, Row
from videoawards.challenges.models import Challenge, Feature
from voting.models import JuryInvitation, JuryMember, JuryPanel, Round

# fmt: off
ROWS: list[Row] = [
    # --- Organiser console --------------------------------------------------------------
    #                     anon   minor  owner  other  jur_x  juror  mod    org    mod_x  org_x
    R("console:dashboard", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200),
    R("console:challenge_new", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200),
    R("console:challenge_new", {}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOOP_200, 403, NOOP_200,
      data={"title": ""}, probe=count(Challenge), label="invalid: the form again"),
    R("console:challenge_edit", {"slug": "@c_vote"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("console:challenge_edit", {"slug": "@c_x"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   200),
    R("console:challenge_copy", {"slug": "@c_done"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=count(Challenge)),
    R("console:challenge_copy", {"slug": "@c_done"}, GET,
                          LOGIN,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("console:preview", {"slug": "@c_hidden"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("console:phase", {"slug": "@c_vote"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("console:phase", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data={"to": "voting_closed"},
      probe=lambda w, u: Challenge.objects.get(pk=w.obj["c_vote"].pk).stage),
    R("console:phase", {"slug": "@c_x"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   200),
    R("console:schedule", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data={"on_schedule": "0"},
      probe=lambda w, u: Challenge.objects.get(pk=w.obj["c_vote"].pk).on_schedule),

    # Display names only: no creator's or juror's email leaves in a file.
    R("console:export", {"slug": "@c_vote", "table": "entries"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403,
      check=lambda w, u, r: w.user("owner").email not in r.content.decode()),
    R("console:export", {"slug": "@c_vote", "table": "scores"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403,
      check=lambda w, u, r: w.user("juror").email not in r.content.decode()),
    R("console:export", {"slug": "@c_vote", "table": "votes"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403,
      check=lambda w, u, r: w.user("owner").display_name not in r.content.decode()),
    R("console:export", {"slug": "@c_x", "table": "entries"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   200),
    R("console:export", {"slug": "@c_vote", "table": "passwords"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   404,   403,   403),
    R("console:export", {"slug": "@c_vote", "table": "votes"}, POST,
                          LOGIN, 405,   405,   405,   405,   405,   405,   405,   405,   405),
    R("console:jury", {"slug": "@c_vote"}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   403),
    R("console:jury", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data={"form": "panel", "name": "Second jury"}, probe=count(JuryPanel)),
    R("console:jury", {"slug": "@c_x"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   DONE,
      data={"form": "panel", "name": "Second jury"}, probe=count(JuryPanel)),
    R("console:jury", {"slug": "@c_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      data={"form": "invite", "panel": "@p_vote", "emails": "new-juror@example.org"},
      probe=count(JuryInvitation), label="invite"),
    R("console:jury_action", {"slug": "@c_vote", "action": "drop", "pk": "@m_peer"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: JuryMember.objects.get(pk=w.obj["m_peer"].pk).dropped_at),
    # c_vote's panel seat through c_x's address: org_x organises c_x, not this seat.
    R("console:jury_action", {"slug": "@c_x", "action": "drop", "pk": "@m_peer"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   403,   403,   404,
      probe=lambda w, u: JuryMember.objects.get(pk=w.obj["m_peer"].pk).dropped_at),
    R("console:jury_action", {"slug": "@c_vote", "action": "remind", "pk": "@r_vote"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: Round.objects.get(pk=w.obj["r_vote"].pk).reminded_at),
    R("console:jury_action", {"slug": "@c_vote", "action": "withdraw", "pk": "@invitation"},
      POST,               LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   403,
      probe=lambda w, u: JuryInvitation.objects.get(pk=w.obj["invitation"].pk).withdrawn_at),
    R("console:jury_action", {"slug": "@c_vote", "action": "drop", "pk": "@m_peer"}, GET,
                          LOGIN, 405,   405,   405,   405,   405,   405,   405,   405,   405),

    # The homepage: org_x curates only their own network's features and entries.
    R("console:homepage", {}, GET,
                          LOGIN, 403,   403,   403,   403,   403,   403,   200,   403,   200,
      check=own_network_entries_only),
    R("console:homepage_action", {"action": "feature", "pk": "@e_done"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   404,
      probe=exists(Feature, entry="@e_done")),
    # In a running public vote: refused with a message (it would sway the vote).
    R("console:homepage_action", {"action": "feature", "pk": "@e_other_pub"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOPE,  403,   404,
      probe=exists(Feature, entry="@e_other_pub")),
    # Not public (hidden after reports): refused with a message.
    R("console:homepage_action", {"action": "feature", "pk": "@e_hidden"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOPE,  403,   404,
      probe=count(Feature)),
    R("console:homepage_action", {"action": "hide", "pk": "@f_win"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   404,
      probe=lambda w, u: Feature.objects.get(pk=w.obj["f_win"].pk).is_hidden),
    R("console:homepage_action", {"action": "pin", "pk": "@f_win"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   DONE,  403,   404,
      probe=lambda w, u: Feature.objects.get(pk=w.obj["f_win"].pk).is_pinned),
    # Not pinned: nothing to move, refused with a message.
    R("console:homepage_action", {"action": "up", "pk": "@f_win"}, POST,
                          LOGIN, 403,   403,   403,   403,   403,   403,   NOPE,  403,   404,
      probe=lambda w, u: Feature.objects.get(pk=w.obj["f_win"].pk).position),
    R("console:homepage_action", {"action": "hide", "pk": "@f_win"}, GET,
                          LOGIN, 405,   405,   405,   405,   405,   405,   405,   405,   405),
]
# fmt: on
