"""Authentication endpoints."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.core.roles import user_hospital, user_roles

from .authentication import TokenAuthentication
from .schema import ERROR_RESPONSES

TokenOut = inline_serializer(name="Token", fields={"token": serializers.CharField()})


class TokenView(ObtainAuthToken):
    """POST username and password, get the API token; DELETE revokes the token you send."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def get_authenticators(self) -> list[Any]:
        # DELETE needs to know whose token to revoke.
        if self.request is not None and self.request.method == "DELETE":
            return [TokenAuthentication()]
        return []

    def get_permissions(self) -> list[Any]:
        if self.request is not None and self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(summary="Obtain an API token", responses={200: TokenOut, **ERROR_RESPONSES})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)

    @extend_schema(
        summary="Revoke your API token", request=None, responses={204: None, **ERROR_RESPONSES}
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


MeOut = inline_serializer(
    name="Me",
    fields={
        "username": serializers.CharField(),
        "full_name": serializers.CharField(),
        "roles": serializers.ListField(child=serializers.CharField()),
        "hospital": serializers.CharField(allow_null=True),
        "specialty": serializers.CharField(allow_null=True),
    },
)


class MeView(APIView):
    """Who you are to the API: your roles, hospital and specialty (also for an account that
    has none yet, so that its owner can see why everything else is refused)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your account, roles and hospital", responses={200: MeOut, **ERROR_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        user = request.user
        hospital = user_hospital(user)
        profile = getattr(user, "staff_profile", None)
        return Response(
            {
                "username": user.get_username(),
                "full_name": user.get_full_name(),
                "roles": sorted(user_roles(user)),
                "hospital": hospital.name if hospital else None,
                "specialty": profile.specialty if profile else None,
            }
        )
