"""``{% load money %}``: ``{{ amount|rupiah }}`` → ``Rp2.400.000``, ``{{ n|ribuan }}`` → ``3.000``."""

from django import template

from aid import money

register = template.Library()

register.filter("rupiah", money.rupiah, is_safe=True)
register.filter("ribuan", money.thousands, is_safe=True)
