"""API-wide pieces: JSON errors with plain messages."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is JSON: {"detail": "...", "code": "...", "fields": {...}}."""
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        detail = " ".join(exc.messages)
        return Response(
            {"detail": detail, "code": "invalid", "fields": fields},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail
        if isinstance(data, dict):
            messages = [
                f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in data.items()
            ]
            response.data = {"detail": " ".join(messages), "code": "invalid", "fields": data}
        else:
            response.data = {"detail": " ".join(map(str, data)), "code": "invalid", "fields": {}}
    elif isinstance(exc, (Http404, PermissionDenied)) or isinstance(response.data, dict):
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": code}
    return response
