def get_user(user_id):
    from ..main import SEEN_TTL, _db_pool

    return {"id": user_id, "ttl": SEEN_TTL, "pool": len(_db_pool)}
