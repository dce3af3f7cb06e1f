"""The shop's public API: other packages import from here, not from shop.models."""

from shop.models import Order, Customer
from shop.pricing import price
