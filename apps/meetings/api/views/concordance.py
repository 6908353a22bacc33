"""Placeholder: to be written."""

from rest_framework.views import APIView


class ConcordanceView(APIView):
    pass
