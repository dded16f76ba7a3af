"""Main-content detection: block features, labels, neighbours, the main-body window."""
