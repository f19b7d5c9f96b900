"""The music page's views."""
