from sunsupport.cli import main

main()
