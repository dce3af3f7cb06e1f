from safefix.cli import main

main()
