from dropship_tui.cli import main

raise SystemExit(main())
