"""Counts on the staff pages read with thousands separators, as in Indonesian (62.041):
Django's admin shows an integer field without them (USE_THOUSAND_SEPARATOR stays off, or
ids in URLs and forms would be grouped too)."""

from django.contrib import admin

from aid.money import thousands


def grouped(model, name: str):
    """A read-only admin column or field showing ``model``'s integer field ``name`` grouped,
    under the field's own label and ordering."""

    @admin.display(description=model._meta.get_field(name).verbose_name, ordering=name)
    def show(self, obj):
        return thousands(getattr(obj, name))

    show.__name__ = f"{name}_grouped"
    return show
