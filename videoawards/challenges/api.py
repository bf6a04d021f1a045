"""REST API for challenges and entries: the same selectors and services as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from transcoding import api as media_api
from transcoding import selectors as media_selectors
from transcoding.models import MediaAsset

from . import selectors, services
from .models import Award, Category, Challenge, Entry, EntryState, Phase

# --- Output -------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name", "description"]


class AwardSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Award
        fields = ["name", "description", "decided_by", "jury_weight", "tie_break", "category"]


class TimelineSerializer(serializers.Serializer):
    entries_open_at = serializers.DateTimeField()
    entries_close_at = serializers.DateTimeField()
    voting_opens_at = serializers.DateTimeField(allow_null=True)
    voting_closes_at = serializers.DateTimeField(allow_null=True)
    results_at = serializers.DateTimeField()


class LimitsSerializer(serializers.Serializer):
    max_duration_seconds = serializers.IntegerField()
    max_file_size_bytes = serializers.IntegerField()


class ChallengeSerializer(serializers.ModelSerializer):
    phase = serializers.SerializerMethodField()
    timeline = TimelineSerializer(source="*", read_only=True)
    limits = LimitsSerializer(source="*", read_only=True)
    categories = CategorySerializer(many=True, read_only=True)
    awards = AwardSerializer(many=True, read_only=True)
    provider_network = serializers.StringRelatedField()

    class Meta:
        model = Challenge
        fields = [
            "slug",
            "title",
            "brief",
            "rules",
            "provider_network",
            "phase",
            "timeline",
            "limits",
            "categories",
            "awards",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Phase.choices))
    def get_phase(self, challenge: Challenge) -> str:
        return challenge.phase()


class EntrySerializer(serializers.ModelSerializer):
    """An entry as others see it: creators by display name only, never email or age."""

    challenge = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    creators = serializers.SlugRelatedField(slug_field="display_name", many=True, read_only=True)
    video_status = serializers.CharField(
        source="media_asset.status", read_only=True, allow_null=True, default=None
    )
    moderation_reason = serializers.SerializerMethodField(
        help_text="What the moderator asked the creators to change (rejected entries only)."
    )

    class Meta:
        model = Entry
        fields = [
            "id",
            "challenge",
            "category",
            "title",
            "description",
            "team_name",
            "creators",
            "state",
            "moderation_reason",
            "video_status",
            "submitted_at",
            "state_changed_at",
        ]
        read_only_fields = fields

    def get_moderation_reason(self, entry: Entry) -> str:
        # Only a rejection's reason is for the creators; an approval note stays internal.
        return entry.moderation_reason if entry.state == EntryState.REJECTED else ""


# --- Input --------------------------------------------------------------------


class EntryWriteSerializer(serializers.Serializer):
    """Parses the request; the service decides whether the change is allowed."""

    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    team_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    category = serializers.SlugField(
        required=False, allow_null=True, help_text="Slug of one of the challenge's categories."
    )

    def __init__(self, *args, challenge: Challenge | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge

    def validate(self, attrs: dict) -> dict:
        """Turn the category slug into one of the challenge's categories."""
        challenge = attrs.get("challenge", self.challenge)
        slug = attrs.get("category")
        if slug:
            category = challenge.categories.filter(slug=slug).first()
            if category is None:
                raise serializers.ValidationError(
                    {"category": "This challenge has no such category."}
                )
            attrs["category"] = category
        elif "category" in attrs:
            del attrs["category"]  # left empty: unchanged, or none for a new entry
        return attrs


class EntryCreateSerializer(EntryWriteSerializer):
    challenge = serializers.SlugField(help_text="Slug of the challenge to enter.")

    def validate_challenge(self, slug: str) -> Challenge:
        challenge = selectors.published_challenges().filter(slug=slug).first()
        if challenge is None:
            raise serializers.ValidationError("No such challenge.")
        return challenge


class EntryUpdateSerializer(EntryWriteSerializer):
    title = serializers.CharField(max_length=120, required=False)


class AttachVideoSerializer(serializers.Serializer):
    media_asset = serializers.UUIDField(help_text="The id `complete` returned for your upload.")


# --- Views --------------------------------------------------------------------


class _WriteThrottleMixin:
    # Writes share the "writes" rate; reads only the global ones.
    throttle_scope = "writes"

    def get_throttles(self) -> list[BaseThrottle]:
        throttles = super().get_throttles()  # type: ignore[misc]
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):  # type: ignore[attr-defined]
            throttles.append(ScopedRateThrottle())
        return throttles


@extend_schema_view(
    list=extend_schema(
        summary="Published challenges",
        parameters=[
            OpenApiParameter(
                "phase",
                str,
                enum=list(selectors.CHALLENGE_GROUPS),
                description="open: taking entries; upcoming: not yet; past: entries closed.",
            )
        ],
    ),
    retrieve=extend_schema(summary="A challenge with categories, awards, phase and limits"),
)
class ChallengeViewSet(viewsets.ReadOnlyModelViewSet):
    """Challenges: calls for videos with a timeline, categories, awards and limits."""

    serializer_class = ChallengeSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Challenge]:
        qs = selectors.with_categories_and_awards(selectors.published_challenges())
        group = self.request.query_params.get("phase")
        if self.action == "list" and group:
            if group not in selectors.CHALLENGE_GROUPS:
                raise serializers.ValidationError({"phase": "Use open, upcoming or past."})
            qs = selectors.with_categories_and_awards(selectors.challenges_in_group(group=group))
        return qs


@extend_schema_view(
    list=extend_schema(
        summary="Entries you may see",
        parameters=[OpenApiParameter("challenge", str, description="Only this challenge's.")],
    ),
    retrieve=extend_schema(summary="One entry (404 if you may not see it)"),
    create=extend_schema(
        summary="Start a draft entry", request=EntryCreateSerializer, responses=EntrySerializer
    ),
    partial_update=extend_schema(
        summary="Change a draft entry (its creators only)",
        request=EntryUpdateSerializer,
        responses=EntrySerializer,
    ),
)
class EntryViewSet(
    _WriteThrottleMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Entries: everyone sees approved ones; creators, moderators and organisers see more."""

    serializer_class = EntrySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Entry]:
        qs = selectors.entries_with_creators(selectors.visible_entries(user=self.request.user))
        slug = self.request.query_params.get("challenge")
        if self.action == "list" and slug:
            qs = qs.filter(challenge__slug=slug)
        return qs.order_by("-created_at", "pk")

    def _own_entry(self) -> Entry:
        """The entry if the caller is one of its creators; 404 for everyone else."""
        entry = self.get_object()
        if not services.is_creator(entry=entry, user=self.request.user):
            raise Http404
        return entry

    def _respond(self, entry: Entry, status: int = 200) -> Response:
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(EntrySerializer(entry).data, status=status)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = EntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {"category": None, "description": "", **serializer.validated_data}
        entry = services.create_entry(creator=request.user, **data)
        return self._respond(entry, status=201)

    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        entry = self._own_entry()
        serializer = EntryUpdateSerializer(
            data=request.data, partial=True, challenge=entry.challenge
        )
        serializer.is_valid(raise_exception=True)
        entry = services.update_entry(entry=entry, by=request.user, **serializer.validated_data)
        return self._respond(entry)

    def _move(self, to_state: str) -> Response:
        entry = services.transition_entry(
            entry=self._own_entry(), to_state=to_state, by=self.request.user
        )
        return self._respond(entry)

    @extend_schema(
        summary="Send the entry to moderation (needs a ready video, challenge open)",
        request=None,
        responses=EntrySerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._move(EntryState.SUBMITTED)

    @extend_schema(summary="Withdraw the entry for good", request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._move(EntryState.WITHDRAWN)

    @extend_schema(
        summary="Start uploading the entry's video (within the challenge's limits)",
        description=(
            "Same protocol as POST /api/v1/uploads/: PUT the parts, then complete. "
            "Then attach the media asset with POST /api/v1/entries/{id}/video/."
        ),
        request=media_api.UploadCreateSerializer,
        responses={201: media_api.UploadSerializer},
    )
    @action(detail=True, methods=["post"])
    def upload(self, request: Request, pk: str | None = None) -> Response:
        entry = self._own_entry()
        media_api.check_upload_rate(request)
        data = media_api.UploadCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.start_entry_upload(entry=entry, by=request.user, **data.validated_data)
        state = media_selectors.upload_state(session=session)
        return Response(media_api.upload_payload(request, state), status=201)

    @extend_schema(
        summary="Make an uploaded video the entry's video",
        request=AttachVideoSerializer,
        responses=EntrySerializer,
    )
    @action(detail=True, methods=["post"])
    def video(self, request: Request, pk: str | None = None) -> Response:
        entry = self._own_entry()
        data = AttachVideoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asset = MediaAsset.objects.filter(
            pk=data.validated_data["media_asset"], owner=request.user
        ).first()
        if asset is None:
            raise serializers.ValidationError({"media_asset": ["No video of yours has this id."]})
        entry = services.attach_video(entry=entry, asset=asset, by=request.user)
        return self._respond(entry)
