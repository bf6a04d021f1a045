"""The API's export and erasure endpoints (under the accounts tag, as before)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from videoawards.accounts.api import ERROR, DeleteAccountSerializer
from videoawards.accounts.models import User

from . import erasure, export


class MyDataView(APIView):
    """Everything we keep about you, as one JSON document (the same as the profile page's)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="me_export",
        summary="Download your data",
        responses={200: OpenApiResponse(description="Your data as JSON."), 401: ERROR},
        tags=["accounts"],
    )
    def get(self, request: Request) -> Response:
        response = Response(export.export_user_data(user=request.user))  # type: ignore[arg-type]
        response["Content-Disposition"] = f'attachment; filename="{export.export_filename()}"'
        response["Cache-Control"] = "no-store"
        return response


class DeleteMeView(APIView):
    """Delete your account for good (with your password): videos, entries you made alone,
    badges and registrations; team entries stay for the others."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "writes"
    throttle_classes = [ScopedRateThrottle]

    @extend_schema(
        operation_id="me_destroy",
        summary="Delete your account",
        request=DeleteAccountSerializer,
        responses={204: None, 400: OpenApiResponse(ERROR), 401: OpenApiResponse(ERROR)},
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        serializer = DeleteAccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        if not user.check_password(serializer.validated_data["password"]):
            raise exceptions.ValidationError(
                {"password": [_("That is not your password.")]}, code="wrong_password"
            )
        erasure.erase_account(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
