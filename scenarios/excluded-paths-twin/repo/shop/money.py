class Money:
    """An amount in a currency."""


DEFAULT = "EUR"
