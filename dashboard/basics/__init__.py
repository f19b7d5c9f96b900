"""The overview page's loaders."""
