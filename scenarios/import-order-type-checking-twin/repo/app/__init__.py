from app.models import Model

__all__ = ["Model"]
