from socreg.cli import main

main()
