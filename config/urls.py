from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.views import API_NOT_FOUND, api_not_found, favicon
from apps.workspace.views import dashboard

admin.site.site_header = "Tumour board assistant: administration"
# A database outage answers 503 (JSON under /api/) wherever it is raised.
handler500 = "apps.core.views.server_error"

urlpatterns = [
    path("", dashboard.home, name="home"),
    # Browsers also ask for /favicon.ico (the pages name the SVG, but a page that may not be
    # stored has its icon fetched again, from the conventional address).
    path("favicon.ico", favicon),
    # Browser pages: each app names its full paths.
    path("", include("apps.workspace.urls")),
    path("", include("apps.meetings.urls")),
    path("", include("apps.liverpanel.urls")),
    path("", include("apps.summaries.urls")),
    path("", include("apps.analytics.urls")),
    path("", include("apps.bulkimport.urls")),
    # CDS Hooks: the specification puts the services at /cds-services on the service's base.
    path("", include("apps.cdshooks.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/",
        # The split view serves its script as a file: no inline script under the CSP. Swagger
        # UI sets inline styles as it draws: allowed on this page only (styles, not scripts).
        csp_update({"style-src": [UNSAFE_INLINE]})(
            login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
        ),
        name="api-docs",
    ),
    path("api/v1/", include("config.api_router")),
    # Any other address under /api/ answers the API's JSON 404 (a dot in an id, a typo).
    re_path(r"^api/(?P<unmatched>.*)$", api_not_found, name=API_NOT_FOUND),
]

if settings.DEBUG:
    from django.conf.urls.static import static as static_urls

    urlpatterns += static_urls(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
