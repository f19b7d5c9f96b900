"""The 2-D lab's and the probability page's views."""
