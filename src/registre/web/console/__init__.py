"""The staff console's frame: the layout, the navigation, the home page and the health check."""
