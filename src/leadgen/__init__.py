"""leadgen."""
