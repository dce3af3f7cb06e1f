from app.models import Invoice


def bill():
    return Invoice()
