"""REST API for votes, jurors' reviews and published results: the same services as the pages.

The vote endpoint is the hot path: token or session auth, the rate limits, one service
call (one INSERT ... ON CONFLICT DO NOTHING for the per-entry policy).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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
        return self._run(request, pk, withdraw=False)

    @extend_schema(request=None, responses={200: VoteSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        return self._run(request, pk, withdraw=True)


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
