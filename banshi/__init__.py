"""banshi (办实事): one register for citizens' demands to political-legal organs."""
