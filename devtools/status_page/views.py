from django.http import HttpResponse

from registry.models import Owner


def one_row(request):
    """The floor to compare the status check with: read one row by NIK, answer plain text."""
    name = Owner.objects.filter(nik=request.POST.get("nik", "")).values_list("pk", flat=True)
    return HttpResponse(f"{name.first() is not None}", content_type="text/plain")
