"""How well the threshold engine places worries, measured on the labelled development set."""
