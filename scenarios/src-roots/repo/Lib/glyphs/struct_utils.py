def pack(values):
    return bytes(values)
