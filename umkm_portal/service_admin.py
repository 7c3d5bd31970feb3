"""The admin's saves through services: a ModelAdmin mixin shared by the apps.

Django's admin saves the model itself (``save_model``); a project where every write goes
through a service needs the admin to call that service instead, and to show its refusal
(a ``ValidationError``) on the form like any other field error. This module imports no app.
"""

from django.core.exceptions import ValidationError


def apply_service_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the admin form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceSaveMixin:
    """Run the service in the form's clean step, so a refusal shows on the form.

    A ModelAdmin using it defines ``save_with_service(request, obj, data, change)``: it calls
    the app's service with the form's cleaned ``data`` and returns the saved object. ``obj`` is
    the form's instance and already carries the form's values: for a change, read the row
    again and hand the service that, so it sees what changed. ``save_model`` then writes
    nothing more.
    """

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        admin_self = self

        class ServiceForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    self.instance = admin_self.save_with_service(
                        request, self.instance, self.cleaned_data, obj is not None
                    )
                except ValidationError as error:
                    apply_service_error(self, error)

        return ServiceForm

    def save_model(self, request, obj, form, change):
        pass  # saved by the service in the form's clean step

    def save_with_service(self, request, obj, data, change):
        raise NotImplementedError
