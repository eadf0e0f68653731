"""The demo world (`banshi demo`): the top floor; nothing else in banshi imports it."""
