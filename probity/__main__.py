from probity.cli import main

main()
