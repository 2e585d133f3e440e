"""The read side: case views, inboxes, lists and paging, as plain dictionaries."""
