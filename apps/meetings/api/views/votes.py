"""Placeholder: to be written."""

from rest_framework.views import APIView


class VoteListView(APIView):
    pass


class VoteRevealView(APIView):
    pass
