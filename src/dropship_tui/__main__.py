from dropship_tui.cli.main import main

raise SystemExit(main())
