from shop.models import Money

OPERATIONS = [Money]
