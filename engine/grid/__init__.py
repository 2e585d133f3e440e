"""The grids' 民情日志 (004 §二(三)): what grid workers note about their grid, and the cases started from it."""
