"""Placeholder: to be written."""

from rest_framework.views import APIView


class ActionDetailView(APIView):
    pass


class ActionListView(APIView):
    pass


class DecisionAmendView(APIView):
    pass


class DecisionView(APIView):
    pass


class FollowUpView(APIView):
    pass


class SignOffView(APIView):
    pass


class StandardOfCareView(APIView):
    pass
