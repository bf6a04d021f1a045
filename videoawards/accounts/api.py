"""Account API: the current user and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import consent, selectors, services
from .countries import COUNTRIES
from .models import Role, User
from .permissions import can_log_in
from .ratelimits import guardian_email_is_limited, login_is_limited

ERROR = inline_serializer(
    name="AccountsError",
    fields={"detail": serializers.CharField(), "code": serializers.CharField()},
)


class MeSerializer(serializers.ModelSerializer):
    """The logged-in person's own account, including what only they may see."""

    email_verified = serializers.BooleanField(source="is_email_verified", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    may_take_part = serializers.SerializerMethodField(
        help_text="May submit entries, vote and be shown in public (email confirmed, and a "
        "guardian's consent where the person is below the consent age)."
    )
    guardian_consent = serializers.SerializerMethodField(
        help_text="not_needed, missing, requested, given, declined or withdrawn."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "display_name",
            "country",
            "role",
            "email",
            "email_verified",
            "birth_year",
            "may_take_part",
            "guardian_consent",
            "preferred_language",
        ]
        read_only_fields = ["id", "role", "email", "email_verified", "birth_year"]

    def get_may_take_part(self, user: User) -> bool:
        return selectors.may_take_part(user)

    def get_guardian_consent(self, user: User) -> str:
        if not selectors.user_needs_guardian_consent(user):
            return "not_needed"
        consent = selectors.latest_consent(user=user)
        return consent.status if consent else "missing"


class GuardianRequestSerializer(serializers.Serializer):
    guardian_email = serializers.EmailField(
        required=False, help_text="A new address; leave out to send the open request again."
    )


class DeleteAccountSerializer(serializers.Serializer):
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class MeUpdateSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=40, required=False)
    country = serializers.ChoiceField(
        choices=[country.code for country in COUNTRIES], required=False
    )
    preferred_language = serializers.ChoiceField(
        choices=["", *(code for code, _name in settings.LANGUAGES)],
        required=False,
        help_text="The language of your emails; empty for the site's.",
    )


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="me_retrieve",
        summary="Your own account",
        responses={200: MeSerializer, 401: OpenApiResponse(ERROR), 403: OpenApiResponse(ERROR)},
        tags=["accounts"],
    )
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        operation_id="me_partial_update",
        summary="Change your display name, country or language for emails",
        request=MeUpdateSerializer,
        responses={
            200: MeSerializer,
            400: OpenApiResponse(ERROR),
            401: OpenApiResponse(ERROR),
            403: OpenApiResponse(ERROR),
        },
        tags=["accounts"],
    )
    def patch(self, request: Request) -> Response:
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        data = serializer.validated_data
        services.update_profile(
            user=user,
            display_name=data.get("display_name", user.display_name),
            country=data.get("country", user.country),
            preferred_language=data.get("preferred_language"),
        )
        return Response(MeSerializer(user).data)


class AuthTokenView(APIView):
    """POST: trade email and password for a token. DELETE: revoke your token."""

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ERROR, description="Wrong email or password."),
            429: OpenApiResponse(ERROR, description="Too many attempts."),
        },
        auth=[],
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        if login_is_limited(request, email_field="email"):
            raise exceptions.Throttled(
                detail=_("Too many attempts. Please wait a minute and try again.")
            )
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=serializer.validated_data["email"].strip().lower(),
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise exceptions.ValidationError(_("Wrong email or password."), code="invalid_login")
        if not can_log_in(user):
            raise exceptions.ValidationError(
                _("Please confirm your email first: open the link we sent you."),
                code="unverified",
            )
        token = services.issue_api_token(user=user)
        return Response({"token": token.key})

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke your API token",
        request=None,
        responses={204: None, 401: OpenApiResponse(ERROR), 403: OpenApiResponse(ERROR)},
        tags=["accounts"],
    )
    def delete(self, request: Request) -> Response:
        services.revoke_api_token(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class GuardianRequestView(APIView):
    """Ask your parent or guardian to agree: a new address, or the open request again."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="me_guardian_request",
        summary="Email your parent or guardian the consent request",
        request=GuardianRequestSerializer,
        responses={
            200: MeSerializer,
            400: OpenApiResponse(ERROR),
            401: OpenApiResponse(ERROR),
            429: OpenApiResponse(ERROR),
        },
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        serializer = GuardianRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if guardian_email_is_limited(request):
            raise exceptions.Throttled(
                detail=_("You asked a lot already. Please wait an hour and try again.")
            )
        user: User = request.user  # type: ignore[assignment]
        if "guardian_email" in serializer.validated_data:
            consent.request_consent(
                user=user, guardian_email=serializer.validated_data["guardian_email"]
            )
        else:
            consent.resend_request(user=user)
        return Response(MeSerializer(user).data)
