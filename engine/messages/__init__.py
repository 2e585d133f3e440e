"""Messages and signals between cases and from outside systems.

A case that throws a message or signal nobody in it catches hands it to
:class:`engine.messages.service.MessageService`, which finds the running cases
waiting for it (``event_subscriptions``, kept by every command) and delivers it
to each as a journalled command (``message``/``signal``), or starts a case of a
procedure whose start event waits for it (``message_start``/``signal_start``).
Outside systems send through ``POST /messages`` and ``POST /signals``.
"""
