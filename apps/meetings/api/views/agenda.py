"""Placeholder: to be written."""

from rest_framework.views import APIView


class AgendaItemMoveView(APIView):
    pass


class CaseMeetingsView(APIView):
    pass
