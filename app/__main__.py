import sys

from pytui.app.cli import main

sys.exit(main())
