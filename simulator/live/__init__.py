"""Live mode: the batch model served over real HTTP and CometD (``tsim serve``)."""
