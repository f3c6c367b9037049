"""PBS-layout archive factory fixtures (see issue 3)."""
