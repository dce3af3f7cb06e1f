from shop.money import Money

OPERATIONS = [Money]
