"""Every model registered in the admin has a list page and an add page (when adding is
allowed) that render for a superuser: a new registration with a wrong field name fails here,
not in front of the administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    sorted(admin.site._registry, key=lambda model: model._meta.label),
    ids=lambda model: model._meta.label,
)
def test_admin_list_and_add_pages_render(client, django_user_model, model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-12345678")
    client.force_login(user)
    meta = model._meta
    listing = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert listing.status_code == 200, meta.label
    if admin.site._registry[model].has_add_permission(listing.wsgi_request):
        adding = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        assert adding.status_code == 200, meta.label
