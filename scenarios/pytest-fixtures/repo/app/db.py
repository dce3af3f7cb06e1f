def connect() -> dict[str, bool]:
    return {"connected": True}
