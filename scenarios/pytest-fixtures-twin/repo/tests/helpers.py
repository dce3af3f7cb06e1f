def make(db: dict[str, bool], user: dict[str, str]) -> tuple[dict[str, bool], dict[str, str]]:
    return db, user
