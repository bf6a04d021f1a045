"""REST API for workshops and registrations: the same selectors and services as the pages."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from . import selectors, services
from .models import Registration, Workshop

# --- Output -------------------------------------------------------------------


class WorkshopSerializer(serializers.ModelSerializer):
    provider_network = serializers.StringRelatedField()
    challenge = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    city = serializers.CharField(help_text="The city for on-site workshops; empty when online.")
    places_left = serializers.IntegerField(read_only=True)
    waitlist_count = serializers.IntegerField(read_only=True)
    is_open_for_registration = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = Workshop
        fields = [
            "slug",
            "title",
            "description",
            "provider_network",
            "mode",
            "city",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "capacity",
            "places_left",
            "waitlist_count",
            "is_open_for_registration",
            "challenge",
            "url",
            "calendar_url",
        ]
        read_only_fields = fields

    def get_is_open_for_registration(self, workshop: Workshop) -> bool:
        return selectors.is_open_for_registration(workshop)

    def get_url(self, workshop: Workshop) -> str:
        return settings.SITE_URL + workshop.get_absolute_url()

    def get_calendar_url(self, workshop: Workshop) -> str:
        return f"{settings.SITE_URL}{workshop.get_absolute_url()}calendar.ics"


class RegistrationSerializer(serializers.ModelSerializer):
    workshop = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    waitlist_position = serializers.SerializerMethodField(
        help_text="1 = next to get a place; null unless on the waitlist."
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "workshop",
            "status",
            "waitlist_position",
            "attended",
            "created_at",
            "confirmed_at",
            "cancelled_at",
        ]
        read_only_fields = fields

    def get_waitlist_position(self, registration: Registration) -> int | None:
        return selectors.waitlist_position(registration)


# --- Input --------------------------------------------------------------------


class RegistrationCreateSerializer(serializers.Serializer):
    workshop = serializers.SlugField(help_text="Slug of the workshop to sign up for.")

    def validate_workshop(self, slug: str) -> Workshop:
        workshop = selectors.published_workshops().filter(slug=slug).first()
        if workshop is None:
            raise serializers.ValidationError("There is no workshop with this slug.")
        return workshop


# --- Views --------------------------------------------------------------------


class RegistrationWriteThrottle(UserRateThrottle):
    """Signing up and cancelling: the same rate as on the pages, per account."""

    scope = "workshop_registrations"
    rate = services.WRITE_RATE

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)


_UPCOMING = OpenApiParameter(
    "upcoming",
    OpenApiTypes.BOOL,
    description="true: only workshops that have not ended yet (soonest first).",
)


@extend_schema_view(
    list=extend_schema(summary="Published workshops", parameters=[_UPCOMING]),
    retrieve=extend_schema(summary="A workshop with its places left"),
)
class WorkshopViewSet(viewsets.ReadOnlyModelViewSet):
    """Workshops where young people learn to make science videos, online or in a city."""

    serializer_class = WorkshopSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Workshop]:
        upcoming = self.request.query_params.get("upcoming", "false").lower()
        if self.action != "list" or upcoming in ("false", "0"):
            return selectors.published_workshops()
        if upcoming in ("true", "1"):
            return selectors.upcoming_workshops()
        raise serializers.ValidationError({"upcoming": ["Use true or false."]})


@extend_schema_view(
    list=extend_schema(summary="Your workshop registrations, latest workshop first"),
    retrieve=extend_schema(summary="One of your registrations (404 for anyone else's)"),
    create=extend_schema(
        summary="Sign up for a workshop (a place, or the waitlist when it is full)",
        request=RegistrationCreateSerializer,
        responses={201: RegistrationSerializer},
    ),
    destroy=extend_schema(
        summary="Cancel your registration; the next person on the waitlist gets the place",
        responses={204: OpenApiResponse(description="Cancelled.")},
    ),
)
class RegistrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own registrations only: nobody sees or cancels anyone else's."""

    serializer_class = RegistrationSerializer
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [*viewsets.GenericViewSet.throttle_classes, RegistrationWriteThrottle]

    def get_queryset(self) -> QuerySet[Registration]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Registration.objects.none()
        return selectors.participant_registrations(user=self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = RegistrationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.register(
            workshop=data.validated_data["workshop"], participant=request.user
        )
        registration = self.get_queryset().get(pk=registration.pk)
        return Response(RegistrationSerializer(registration).data, status=201)

    def perform_destroy(self, instance: Registration) -> None:
        services.cancel_registration(registration=instance, by=self.request.user)
