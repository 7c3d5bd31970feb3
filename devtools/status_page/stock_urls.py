"""The one-row view alone, for the stock-middleware server of the benchmark."""

from django.urls import path

from devtools.status_page import views

urlpatterns = [path("bench/one-row/", views.one_row, name="bench_one_row")]
