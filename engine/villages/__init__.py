"""撤村建居 in the directory: a completed conversion marks its villages converted and lists the community."""
