from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core: hospitals, staff and roles"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from .tokens import revoke_on_credential_change

        # A password change or a deactivation revokes the user's API tokens, wherever the
        # user is saved from (the admin, `changepassword`, a password form).
        pre_save.connect(
            revoke_on_credential_change,
            sender=get_user_model(),
            dispatch_uid="core.revoke_tokens_on_credential_change",
        )

        # What people read for the roles and specialties (apps/core/words.py).
        from .choices import Role, Specialty
        from .words import register_choices

        register_choices(Role, Specialty)
