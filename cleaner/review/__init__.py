"""What a reviewer reads: the HTML report and the labelled diff.  Reads only hits and the model."""
