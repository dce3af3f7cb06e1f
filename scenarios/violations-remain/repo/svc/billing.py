def total(amount):
    from svc.config import Decimal

    return Decimal(amount)
