from dockopt.cli import main

main()
