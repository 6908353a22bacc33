from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core: hospitals, staff and roles"

    def ready(self) -> None:
        # What people read for the roles and specialties (apps/core/words.py).
        from .choices import Role, Specialty
        from .words import register_choices

        register_choices(Role, Specialty)
