def main():
    return 0


def legacy_main():
    return 0
