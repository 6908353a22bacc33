"""Placeholder: to be written."""

from rest_framework.views import APIView


class AttendanceListView(APIView):
    pass


class AttendanceDetailView(APIView):
    pass
