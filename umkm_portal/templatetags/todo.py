"""``{% load todo %}{% todo_panel %}``: the admin home's "Perlu dikerjakan" panel."""

from django import template

from umkm_portal import todo

register = template.Library()


@register.inclusion_tag("admin/todo_panel.html", takes_context=True)
def todo_panel(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"items": todo.due_for(user) if user is not None and user.is_active else []}
