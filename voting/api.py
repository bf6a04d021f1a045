"""REST API for votes, jurors' reviews and published results: the same services as the pages.

The vote endpoint is the hot path. POST skips DRF (`VoteView.dispatch`): the user comes
from the session (the page's script, CSRF checked as DRF checks it) or from one indexed
query that joins the token to its account; then the rate limits in the cache, one
service call (one INSERT ... ON CONFLICT DO NOTHING for the per-entry policy) and the
JSON answer DRF would give. Whatever is not a plain authenticated POST (no or bad
credentials, a failed CSRF check, DELETE, GET, OPTIONS) goes through DRF as before, so
those answers do not change; DRF's `post` stays for the OpenAPI schema.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.authentication import CSRFCheck
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from videoawards.accounts.models import User
from videoawards.accounts.permissions import is_organiser_for
from videoawards.challenges.selectors import published_challenges
from videoawards.core.client import client_address
from voting import ratelimits, selectors, services
from voting.models import Assignment
from voting.services.votes import EntryNotVotable


class VoteSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    voted = serializers.BooleanField()
    changed = serializers.BooleanField()


class VoteView(APIView):
    """POST votes for the entry, DELETE takes the vote back; repeating either changes nothing."""

    permission_classes = [permissions.IsAuthenticated]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            user = _lean_user(request)
            if user is not None:
                return _lean_vote(request, user=user, entry_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def _run(self, request: Request, pk: int, *, withdraw: bool) -> Response:
        if ratelimits.vote_is_limited(request._request):
            raise Throttled(detail=_("You are voting very fast. Wait a minute and try again."))
        try:
            if withdraw:
                outcome = services.withdraw_vote(voter=request.user, entry_id=pk)
            else:
                outcome = services.cast_vote(
                    voter=request.user,
                    entry_id=pk,
                    address=client_address(request._request),
                )
        except EntryNotVotable as error:
            raise NotFound(str(error)) from None
        code = status.HTTP_201_CREATED if outcome.changed and not withdraw else status.HTTP_200_OK
        return Response(
            {"entry": outcome.entry_id, "voted": outcome.voted, "changed": outcome.changed},
            status=code,
        )

    @extend_schema(request=None, responses={200: VoteSerializer, 201: VoteSerializer})
    def post(self, request: Request, pk: int) -> Response:
        # Reached only when dispatch hands a POST to DRF (no or bad credentials: DRF
        # refuses it before this runs); kept whole so the schema and DRF agree.
        return self._run(request, pk, withdraw=False)

    @extend_schema(request=None, responses={200: VoteSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        return self._run(request, pk, withdraw=True)


# --- The lean POST ----------------------------------------------------------------------

_TOKEN_USER_SQL: str | None = None
_USER_FIELDS = [field.attname for field in User._meta.concrete_fields]


def _token_user_sql() -> str:
    global _TOKEN_USER_SQL  # built once per process
    if _TOKEN_USER_SQL is None:
        quote = connection.ops.quote_name
        columns = ", ".join(f"u.{quote(f.column)}" for f in User._meta.concrete_fields)
        users, tokens = quote(User._meta.db_table), quote(Token._meta.db_table)
        key, user_id = quote(Token._meta.pk.column), quote(Token._meta.get_field("user").column)
        _TOKEN_USER_SQL = (
            f"SELECT {columns} FROM {tokens} t JOIN {users} u ON u.id = t.{user_id} "  # noqa: S608
            f"WHERE t.{key} = %s"
        )
    return _TOKEN_USER_SQL


def _lean_user(request: HttpRequest) -> User | None:
    """The voter as DRF would authenticate them (session first, then token), or None when
    DRF should answer instead: no credentials, a bad token header or key, an inactive
    account, a session request that fails the CSRF check."""
    user = request.user
    if user.is_authenticated:
        if not user.is_active:
            return None
        check = CSRFCheck(lambda request: HttpResponse())
        check.process_request(request)
        if check.process_view(request, None, (), {}):
            return None  # DRF answers 403 with the reason
        return user  # type: ignore[return-value]
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) != 2 or header[0].lower() != "token":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_token_user_sql(), [header[1]])
        row = cursor.fetchone()
    if row is None:
        return None
    voter = User.from_db(connection.alias, _USER_FIELDS, row)
    if not voter.is_active:
        return None
    request.user = voter
    return voter


def _json(body: dict[str, Any], status_code: int) -> HttpResponse:
    """The bytes DRF's JSONRenderer writes for `body`."""
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status_code,
        content_type="application/json",
    )


def _lean_vote(request: HttpRequest, *, user: User, entry_id: int) -> HttpResponse:
    """POST /api/v1/entries/<id>/vote/ for an authenticated voter: the answers and status
    codes of the DRF view and videoawards.api.exception_handler."""
    if ratelimits.vote_is_limited(request):
        detail = _("You are voting very fast. Wait a minute and try again.")
        return _json({"detail": detail, "code": "throttled"}, status.HTTP_429_TOO_MANY_REQUESTS)
    try:
        outcome = services.cast_vote(voter=user, entry_id=entry_id, address=client_address(request))
    except EntryNotVotable as error:
        return _json({"detail": str(error), "code": "not_found"}, status.HTTP_404_NOT_FOUND)
    except DjangoPermissionDenied as error:
        detail = str(error) or _("You do not have permission to perform this action.")
        return _json({"detail": detail, "code": "permission_denied"}, status.HTTP_403_FORBIDDEN)
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {}
        body = {"detail": " ".join(error.messages), "code": "invalid", "fields": fields}
        return _json(body, status.HTTP_400_BAD_REQUEST)
    return _json(
        {"entry": outcome.entry_id, "voted": outcome.voted, "changed": outcome.changed},
        status.HTTP_201_CREATED if outcome.changed else status.HTTP_200_OK,
    )


class AssignmentSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="round_id")
    entry = serializers.IntegerField(source="entry_id")
    entry_title = serializers.CharField(source="entry.title")
    submitted = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "round", "entry", "entry_title", "submitted"]

    def get_submitted(self, obj: Assignment) -> bool:
        review = getattr(obj, "review", None)
        return review is not None and review.is_submitted


class MyAssignmentsView(APIView):
    """The requesting juror's own assignments (never anyone else's)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=AssignmentSerializer(many=True))
    def get(self, request: Request) -> Response:
        assignments = (
            Assignment.objects.filter(juror=request.user)
            .select_related("entry", "review")
            .order_by("round_id", "entry_id")
        )
        return Response(AssignmentSerializer(assignments, many=True).data)


class ReviewInputSerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="criterion id -> score (null leaves it empty in a draft)",
    )
    comment = serializers.CharField(allow_blank=True, max_length=4000, default="")
    submit = serializers.BooleanField(default=False)


class ReviewView(APIView):
    """Save a draft of (or submit) the review of one of the juror's own assignments."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=ReviewInputSerializer, responses={200: AssignmentSerializer})
    def put(self, request: Request, pk: int) -> Response:
        assignment = get_object_or_404(Assignment, pk=pk, juror=request.user)
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            scores = {int(key): value for key, value in data.validated_data["scores"].items()}
        except ValueError:
            raise serializers.ValidationError(
                {"scores": _("Use the criterion ids as keys.")}
            ) from None
        try:
            services.save_review(
                juror=request.user,
                assignment=assignment,
                scores=scores,
                comment=data.validated_data["comment"],
                submit=data.validated_data["submit"],
            )
        except DjangoPermissionDenied:
            raise Http404 from None
        except ValidationError:
            raise
        assignment.refresh_from_db()
        return Response(AssignmentSerializer(assignment).data)


class PlaceSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    entry = serializers.IntegerField()
    title = serializers.CharField()
    jury_score = serializers.FloatField(allow_null=True, help_text="Rounded to 2 decimals.")
    public_votes = serializers.IntegerField()
    tie_broken_by = serializers.CharField(help_text="Empty unless a tie-break placed it.")


class AwardResultSerializer(serializers.Serializer):
    award = serializers.IntegerField()
    name = serializers.CharField()
    decided_by = serializers.CharField()
    winner = serializers.IntegerField(allow_null=True)
    places = PlaceSerializer(many=True)


class ResultsSerializer(serializers.Serializer):
    challenge = serializers.SlugField()
    input_hash = serializers.CharField(
        required=False, help_text="Only for the challenge's organisers: reproduces the tally."
    )
    published_at = serializers.DateTimeField()
    awards = AwardResultSerializer(many=True)


class ResultsView(APIView):
    """A challenge's published results (404 until an organiser publishes them)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ResultsSerializer)
    def get(self, request: Request, slug: str) -> Response:
        challenge = get_object_or_404(published_challenges(), slug=slug)
        snapshot = selectors.published_snapshot(challenge=challenge)
        if snapshot is None:
            raise NotFound("The results are not published yet.")
        awards = selectors.snapshot_awards(snapshot=snapshot, rows=selectors.PUBLIC_RESULT_ROWS)
        body: dict[str, Any] = {
            "challenge": challenge.slug,
            "published_at": snapshot.publication.at,
            "awards": [
                {
                    "award": award.award_id,
                    "name": award.name,
                    "decided_by": award.decided_by,
                    "winner": award.winner.pk if award.winner else None,
                    "places": [
                        {
                            "rank": row.rank,
                            "entry": row.entry.pk,
                            "title": row.entry.title,
                            "jury_score": None
                            if row.jury_score is None
                            else round(row.jury_score, 2),
                            "public_votes": row.public_votes,
                            "tie_broken_by": row.tie_broken_by,
                        }
                        for row in award.rows
                    ],
                }
                for award in awards
            ],
        }
        if is_organiser_for(request.user, challenge.provider_network_id):
            body["input_hash"] = snapshot.input_hash
        return Response(body)
