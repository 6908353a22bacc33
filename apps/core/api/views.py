"""Authentication endpoints: API tokens (log in, list, revoke) and who you are."""

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.roles import user_hospital, user_roles
from apps.core.tokens import token_id, token_list, token_obtain, token_revoke, token_revoke_all

from .authentication import HashedTokenAuthentication
from .schema import ERROR_RESPONSES, ErrorSerializer
from .serializers import InputSerializer, validated_input
from .throttling import LoginAddressThrottle, LoginUsernameThrottle


class TokenInputSerializer(InputSerializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )


TokenOut = inline_serializer(
    name="Token",
    fields={
        "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`."),
        "expiry": serializers.DateTimeField(help_text="When the token stops working."),
    },
)
TokenInfoOut = inline_serializer(
    name="TokenInfo",
    many=True,
    fields={
        "id": serializers.CharField(help_text="Names the token to revoke it (not the token)."),
        "created": serializers.DateTimeField(),
        "expiry": serializers.DateTimeField(),
        "current": serializers.BooleanField(help_text="The token this request was made with."),
    },
)
THROTTLED = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Too many attempts from this address or for this username (see Retry-After), or the "
        "account or address is locked out after repeated failed logins."
    ),
)


class TokenView(APIView):
    """POST username and password, get a new API token for this client; DELETE revokes the
    token you send."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle, LoginUsernameThrottle]

    def get_authenticators(self) -> list[Any]:
        # DELETE needs to know whose token to revoke.
        if self.request is not None and self.request.method == "DELETE":
            return [HashedTokenAuthentication()]
        return []

    def get_permissions(self) -> list[Any]:
        if self.request is not None and self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        summary="Obtain an API token",
        description=(
            "One new token per call (per client): it expires after the configured lifetime "
            "(10 hours by default) and is not extended by use. Attempts are throttled per "
            "client address and per username, and repeated failures lock the account and the "
            "address out for a while (429)."
        ),
        request=TokenInputSerializer,
        responses={200: TokenOut, 400: ERROR_RESPONSES[400], 429: THROTTLED},
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated_input(TokenInputSerializer, request)
        record, token = token_obtain(
            request=request._request, username=data["username"], password=data["password"]
        )
        return Response(
            {"token": token, "expiry": serializers.DateTimeField().to_representation(record.expiry)}
        )

    @extend_schema(
        summary="Revoke the API token you send",
        request=None,
        responses={204: None, **ERROR_RESPONSES},
    )
    def delete(self, request: Request) -> Response:
        token_revoke(user=request.user, token_digest_prefix=token_id(request.auth))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """Your API tokens (one per client that logged in): list them, or revoke them all."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your valid API tokens", responses={200: TokenInfoOut, **ERROR_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        current = (
            token_id(request.auth)
            if request.auth is not None and hasattr(request.auth, "digest")
            else None
        )
        return Response(
            [
                {
                    "id": token_id(token),
                    "created": serializers.DateTimeField().to_representation(token.created),
                    "expiry": serializers.DateTimeField().to_representation(token.expiry),
                    "current": token_id(token) == current,
                }
                for token in token_list(user=request.user)
            ]
        )

    @extend_schema(
        summary="Revoke all your API tokens (every client logs in again)",
        operation_id="auth_tokens_revoke_all",
        request=None,
        responses={204: None, **ERROR_RESPONSES},
    )
    def delete(self, request: Request) -> Response:
        token_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(APIView):
    """One of your API tokens, by its id: revoke it (a lost laptop's, say)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Revoke one of your API tokens",
        operation_id="auth_tokens_revoke",
        parameters=[
            OpenApiParameter("token_id", str, OpenApiParameter.PATH, description="The token's id.")
        ],
        request=None,
        responses={204: None, **ERROR_RESPONSES},
    )
    def delete(self, request: Request, token_id: str) -> Response:
        token_revoke(user=request.user, token_digest_prefix=token_id)
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
