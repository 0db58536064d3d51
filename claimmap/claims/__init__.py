"""What each sentence claims about a place, and the events those claims merge into."""
