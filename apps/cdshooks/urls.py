"""Routes outside the API (included at the site root by config/urls.py): the CDS Hooks
endpoints, where the specification puts them, with or without a trailing slash."""

from django.urls import re_path

from .api.views import DiscoveryView, FeedbackView, ServiceView

app_name = "cdshooks"
urlpatterns = [
    re_path(r"^cds-services/?$", DiscoveryView.as_view(), name="discovery"),
    re_path(
        r"^cds-services/(?P<service_id>[^/]+)/feedback/?$",
        FeedbackView.as_view(),
        name="feedback",
    ),
    re_path(r"^cds-services/(?P<service_id>[^/]+)/?$", ServiceView.as_view(), name="service"),
]
